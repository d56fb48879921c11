import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** Separator between the server name and the tool name in an exposed name. */
export const NAME_SEPARATOR = '__';

/** One server's tools, as input to {@link exposeTools}. */
export interface ServerTools {
  server: string;
  /** Expose tools as `<server>__<tool>` (true) or under their own names (false). */
  prefix: boolean;
  tools: readonly Tool[];
}

/** A tool as clients see it, and where it lives. */
export interface ExposedTool {
  exposedName: string;
  server: string;
  tool: Tool;
}

/** Two servers offering a tool under the same exposed name. */
export interface NameCollision {
  exposedName: string;
  /** The server that keeps the name. */
  kept: string;
  /** The server whose tool is hidden. */
  hidden: string;
}

/** The exposed tools, by name, in listing order, and the collisions that were resolved. */
export interface ExposedTools {
  list: readonly ExposedTool[];
  byName: ReadonlyMap<string, ExposedTool>;
  collisions: readonly NameCollision[];
}

/** The name clients see for `tool` of `server`. */
export function exposedName(server: string, prefix: boolean, tool: string): string {
  return prefix ? `${server}${NAME_SEPARATOR}${tool}` : tool;
}

/**
 * Names every tool of every server. When two tools get the same exposed name (two `prefix: false` servers with
 * a tool of the same name, or a bare name that equals another server's prefixed one), the rule is deterministic
 * and does not depend on which server connected first: the server whose name sorts first keeps the name, the
 * other tool is hidden and reported as a collision. Within one server, the first tool of a name wins.
 */
export function exposeTools(servers: readonly ServerTools[]): ExposedTools {
  const ordered = [...servers].sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
  const byName = new Map<string, ExposedTool>();
  const collisions: NameCollision[] = [];
  for (const { server, prefix, tools } of ordered) {
    for (const tool of tools) {
      const name = exposedName(server, prefix, tool.name);
      const holder = byName.get(name);
      if (holder) {
        if (holder.server !== server) collisions.push({ exposedName: name, kept: holder.server, hidden: server });
        continue;
      }
      byName.set(name, { exposedName: name, server, tool });
    }
  }
  return { list: [...byName.values()], byName, collisions };
}
