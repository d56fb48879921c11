import type { RegistrySnapshotBody } from '@sluice/schemas';
import type { ResolvedTool } from '../policy/input.js';

/** What a registry snapshot says of a tool: the server that provides it, its own name there, the server's status. */
export type IndexedTool = Omit<ResolvedTool, 'tenants' | 'environments' | 'roles'>;

/**
 * Maps each exposed tool name of a registry snapshot to the server and tool behind it. When two servers expose
 * one name, the first server that is up wins, else the first listed.
 */
export function indexTools(snapshot: RegistrySnapshotBody): ReadonlyMap<string, IndexedTool> {
  const index = new Map<string, IndexedTool>();
  for (const server of snapshot.servers) {
    for (const tool of server.tools) {
      const known = index.get(tool.exposedName);
      if (known && (known.status === 'up' || server.status !== 'up')) continue;
      index.set(tool.exposedName, { server: server.name, tool: tool.name, status: server.status });
    }
  }
  return index;
}
