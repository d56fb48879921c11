import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@sluice/core';
import type { EnvelopeFields, RegistrySnapshotBody } from '@sluice/schemas';
import type { Backend, BackendEvent } from '../backends/backend.js';
import { exposeTools, type ExposedTools } from './exposed-names.js';

/** A server the registry manages. */
export interface RegistryServerOptions {
  backend: Backend;
  /** Expose tools as `<server>__<tool>` (true) or under their own names (false). */
  prefix: boolean;
  /** Longest a call to this server may take. */
  timeoutMs: number;
  /** Tenants that may see and call its tools; null: every tenant. */
  tenants: readonly string[] | null;
  /** Environments (the principal's `environment`) that may see and call its tools; null: every environment. */
  environments: readonly string[] | null;
}

/** Whom a request comes from, as far as the servers open to it go: its tenant and its principal's environment. */
export interface Caller {
  readonly tenant: string;
  readonly environment: string | null;
}

/** The caller an event speaks for. */
export function callerOf(event: Pick<EnvelopeFields, 'tenant' | 'principal'>): Caller {
  return { tenant: event.tenant, environment: event.principal.environment };
}

/** A tool found by its exposed name, with the server that runs it. */
export interface ResolvedTool {
  exposedName: string;
  server: string;
  tool: Tool;
  backend: Backend;
  timeoutMs: number;
}

interface Entry extends RegistryServerOptions {
  name: string;
  /** Last tools the server listed; kept while it is down, so calls fail with "down" rather than "unknown". */
  tools: Tool[];
  refreshing: Promise<void> | null;
  refreshAgain: boolean;
  unsubscribe: () => void;
}

/**
 * The servers and their tools under the names clients see. Tracks each backend: lists its tools when it comes
 * up and when it sends `notifications/tools/list_changed`, and notes when it goes down. Every change after
 * {@link start} is reported to the change listener (the router publishes a registry snapshot).
 */
export class ToolRegistry {
  private readonly entries: Entry[];
  private exposed: ExposedTools = exposeTools([]);
  private reportedWithheld = new Set<string>();
  private started = false;
  private changeListener: (() => void) | null = null;

  constructor(
    servers: Readonly<Record<string, RegistryServerOptions>>,
    private readonly logger: Logger,
  ) {
    this.entries = Object.entries(servers).map(([name, options]) => {
      const entry: Entry = { ...options, name, tools: [], refreshing: null, refreshAgain: false, unsubscribe: () => undefined };
      entry.unsubscribe = options.backend.onEvent((event) => this.onBackendEvent(entry, event));
      return entry;
    });
  }

  /** Sets the one listener told about every change once started. */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /**
   * Connects every server in parallel, each bounded by its own timeout, and lists the tools of those that come
   * up. A server that fails is left down and retried in the background; it does not fail the start.
   */
  async start(): Promise<void> {
    await Promise.all(
      this.entries.map(async (entry) => {
        try {
          await entry.backend.connect();
        } catch (err) {
          this.logger.warn({ server: entry.name, err: String(err) }, 'server is down at start; retrying in the background');
          return;
        }
        await (entry.refreshing ?? this.refresh(entry));
      }),
    );
    this.rebuild();
    this.started = true;
  }

  /**
   * The tool `caller` calls `name`, if any: a tool of a server closed to the caller's tenant or environment is not
   * found.
   */
  resolve(name: string, caller: Caller): ResolvedTool | undefined {
    const exposed = this.exposed.byName.get(name);
    if (!exposed) return undefined;
    const entry = this.entries.find((e) => e.name === exposed.server);
    if (!entry || !openTo(entry, caller)) return undefined;
    return { exposedName: exposed.exposedName, server: entry.name, tool: exposed.tool, backend: entry.backend, timeoutMs: entry.timeoutMs };
  }

  /**
   * The tools `caller` may use as the servers describe them (schemas, annotations, ...), under their exposed
   * names; every tool when `caller` is null.
   */
  listTools(caller: Caller | null): Tool[] {
    const open = new Set(this.entries.filter((e) => caller === null || openTo(e, caller)).map((e) => e.name));
    return this.exposed.list.filter((t) => open.has(t.server)).map((t) => ({ ...t.tool, name: t.exposedName }));
  }

  /** Every tool clients can call, by server and the server's own name. */
  callable(): Array<{ server: string; tool: string }> {
    return this.exposed.list.map((t) => ({ server: t.server, tool: t.tool.name }));
  }

  /** The registry as recorded on the `registry` topic. */
  snapshot(): RegistrySnapshotBody {
    return {
      servers: [...this.entries]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((entry) => ({
          name: entry.name,
          transport: entry.backend.transport,
          status: entry.backend.status().state === 'up' ? ('up' as const) : ('down' as const),
          tools: this.exposed.list
            .filter((t) => t.server === entry.name)
            .map((t) => ({ name: t.tool.name, exposedName: t.exposedName, description: t.tool.description ?? null })),
          withheld: this.exposed.withheld.filter((w) => w.server === entry.name).map(({ name, reason }) => ({ name, reason })),
        })),
    };
  }

  /** Closes every backend (in parallel) and stops tracking them. */
  async close(): Promise<void> {
    this.changeListener = null;
    for (const entry of this.entries) entry.unsubscribe();
    await Promise.all(this.entries.map((entry) => entry.backend.close()));
  }

  private onBackendEvent(entry: Entry, event: BackendEvent): void {
    if (event === 'down') {
      this.changed();
      return;
    }
    void this.refresh(entry);
  }

  /** Lists a server's tools again; calls made while one listing runs share it plus at most one more. */
  private refresh(entry: Entry): Promise<void> {
    if (entry.refreshing) {
      entry.refreshAgain = true;
      return entry.refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        entry.refreshAgain = false;
        try {
          entry.tools = await entry.backend.listTools();
        } catch (err) {
          this.logger.warn({ server: entry.name, err: String(err) }, 'listing tools failed; keeping the last known tools');
        }
      } while (entry.refreshAgain);
      this.changed();
    };
    entry.refreshing = run().finally(() => {
      entry.refreshing = null;
    });
    return entry.refreshing;
  }

  private changed(): void {
    if (!this.started) return;
    this.rebuild();
    this.changeListener?.();
  }

  private rebuild(): void {
    this.exposed = exposeTools(
      this.entries.map((e) => ({ server: e.name, prefix: e.prefix, tools: e.tools })),
      this.exposed.byName,
    );
    const current = new Set<string>();
    for (const w of this.exposed.withheld) {
      const key = `${w.server}\u0000${w.name}\u0000${w.reason}`;
      current.add(key);
      if (!this.reportedWithheld.has(key)) {
        this.logger.warn({ server: w.server, tool: w.name.slice(0, 128), reason: w.reason }, 'tool withheld from clients');
      }
    }
    this.reportedWithheld = current;
  }
}

/** A server restricted to environments is closed to a principal without one. */
function openTo(entry: Entry, caller: Caller): boolean {
  const { tenants, environments } = entry;
  return (tenants === null || tenants.includes(caller.tenant)) && (environments === null || (caller.environment !== null && environments.includes(caller.environment)));
}
