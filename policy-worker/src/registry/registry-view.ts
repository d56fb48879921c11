import type { RegistrySnapshotBody } from '@sluice/schemas';
import { PolicyError } from '../errors.js';
import type { ResolvedTool } from '../policy/input.js';
import { resolvedToolJson } from '../policy/input-json.js';
import { indexTools, type IndexedTool } from './tool-index.js';

/** Who may use a server, as configured (`servers.<name>.tenants`, `.environments` and `.roles`; null: everyone). */
export interface ServerAccess {
  readonly tenants: readonly string[] | null;
  readonly environments: readonly string[] | null;
  readonly roles: readonly string[] | null;
}

/** A resolved tool, frozen, with its canonical JSON. */
export interface ResolvedEntry {
  readonly tool: Readonly<ResolvedTool>;
  readonly json: string;
}

/** A server the configuration does not name (it is configured elsewhere, or not yet here) is open to no one. */
const CLOSED: ServerAccess = { tenants: [], environments: [], roles: [] };

/**
 * The latest registry snapshot as the policy worker sees it, with a way to wait for the first one. Each tool
 * resolves with its server's access from the configuration, since the snapshot does not carry it.
 */
export class RegistryView {
  private tools: ReadonlyMap<string, IndexedTool> | null = null;
  /** Resolutions made since the last snapshot: the configuration does not change, so neither do they. */
  private readonly resolved = new Map<string, ResolvedEntry>();
  private closed = false;
  private readonly waiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>();

  /** `servers` maps each configured server name to its access (`config.servers` will do). */
  constructor(private readonly servers: Readonly<Record<string, ServerAccess>>) {}

  /** True once a snapshot has arrived. */
  get loaded(): boolean {
    return this.tools !== null;
  }

  /** Replaces the view with a newer snapshot. */
  update(snapshot: RegistrySnapshotBody): void {
    this.tools = indexTools(snapshot);
    this.resolved.clear();
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  /** The server and tool behind an exposed tool name, or null when no registered server exposes it. */
  resolve(exposedName: string): Readonly<ResolvedTool> | null {
    return this.lookup(exposedName)?.tool ?? null;
  }

  /** {@link resolve} with the resolution's canonical JSON, both made once per snapshot and name. */
  lookup(exposedName: string): ResolvedEntry | null {
    const known = this.resolved.get(exposedName);
    if (known) return known;
    const found = this.tools?.get(exposedName);
    if (!found) return null;
    const access = Object.hasOwn(this.servers, found.server) ? this.servers[found.server]! : CLOSED;
    const tool: ResolvedTool = Object.freeze({
      server: found.server,
      tool: found.tool,
      status: found.status,
      tenants: copy(access.tenants),
      environments: copy(access.environments),
      roles: copy(access.roles),
    });
    const entry = { tool, json: resolvedToolJson(tool) };
    this.resolved.set(exposedName, entry);
    return entry;
  }

  /** Resolves once a snapshot has arrived; rejects (retriable) if the view is closed first. */
  whenLoaded(): Promise<void> {
    if (this.tools) return Promise.resolve();
    if (this.closed) return Promise.reject(stopped());
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject }));
  }

  /** Rejects every pending and later `whenLoaded` that has no snapshot to wait for. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters) waiter.reject(stopped());
    this.waiters.clear();
  }
}

function copy(names: readonly string[] | null): string[] | null {
  return names === null ? null : Object.freeze([...names]) as string[];
}

function stopped(): PolicyError {
  return new PolicyError('SLUICE_POLICY_STOPPED', 'no registry snapshot had arrived');
}
