import type { RegistrySnapshotBody } from '@sluice/schemas';
import { PolicyError } from '../errors.js';
import type { ResolvedTool } from '../policy/input.js';
import { indexTools } from './tool-index.js';

/** The latest registry snapshot as the policy worker sees it, with a way to wait for the first one. */
export class RegistryView {
  private tools: ReadonlyMap<string, ResolvedTool> | null = null;
  private closed = false;
  private readonly waiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>();

  /** True once a snapshot has arrived. */
  get loaded(): boolean {
    return this.tools !== null;
  }

  /** Replaces the view with a newer snapshot. */
  update(snapshot: RegistrySnapshotBody): void {
    this.tools = indexTools(snapshot);
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  /** The server and tool behind an exposed tool name, or null when no registered server exposes it. */
  resolve(exposedName: string): ResolvedTool | null {
    return this.tools?.get(exposedName) ?? null;
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

function stopped(): PolicyError {
  return new PolicyError('SLUICE_POLICY_STOPPED', 'no registry snapshot had arrived');
}
