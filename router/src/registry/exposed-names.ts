import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { WithheldTool } from '@sluice/schemas';

/** Separator between the server name and the tool name in an exposed name. */
export const NAME_SEPARATOR = '__';

/** What an exposed tool name may be: MCP's tool-name guidance (ASCII letters, digits, `_`, `.`, `-`; 1–128). */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/** Longest backend tool name recorded for a withheld tool; longer ones are cut. */
export const WITHHELD_NAME_MAX = 256;

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

/** A tool a server offers that clients do not see. */
export interface Withheld extends WithheldTool {
  server: string;
}

/** The exposed tools, by name, in listing order, and the tools withheld with their reasons. */
export interface ExposedTools {
  list: readonly ExposedTool[];
  byName: ReadonlyMap<string, ExposedTool>;
  withheld: readonly Withheld[];
}

/** The name clients see for `tool` of `server`. */
export function exposedName(server: string, prefix: boolean, tool: string): string {
  return prefix ? `${server}${NAME_SEPARATOR}${tool}` : tool;
}

/**
 * Names every tool of every server. A tool is withheld, never exposed as it is, when:
 * - its exposed name does not match {@link TOOL_NAME_PATTERN} (control characters, look-alike letters, over 128);
 * - a `prefix: false` server offers a name in another prefixed server's namespace (`<other>__…`): that name
 *   belongs to the other server whether or not it offers the tool now, so it can never be captured;
 * - another server already holds the name: the holder in `previous` keeps it, so a server that comes up later
 *   never takes a name from one that was serving it; otherwise the server whose name sorts first keeps it.
 * Within one server, the first tool of a name wins.
 */
export function exposeTools(servers: readonly ServerTools[], previous?: ReadonlyMap<string, ExposedTool>): ExposedTools {
  const ordered = [...servers].sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
  const prefixed = new Set(ordered.filter((s) => s.prefix).map((s) => s.server));
  const candidates = new Map<string, ExposedTool[]>();
  const withheld: Withheld[] = [];
  for (const { server, prefix, tools } of ordered) {
    const seen = new Set<string>();
    for (const tool of tools) {
      const name = exposedName(server, prefix, tool.name);
      const refusal = nameRefusal(name, prefix, prefixed);
      if (refusal) {
        withheld.push({ server, name: tool.name.slice(0, WITHHELD_NAME_MAX), reason: refusal });
        continue;
      }
      if (seen.has(name)) continue;
      seen.add(name);
      const claims = candidates.get(name) ?? [];
      claims.push({ exposedName: name, server, tool });
      candidates.set(name, claims);
    }
  }
  const byName = new Map<string, ExposedTool>();
  for (const [name, claims] of candidates) {
    const holder = previous?.get(name)?.server;
    const kept = claims.find((c) => c.server === holder) ?? claims[0]!;
    byName.set(name, kept);
    for (const other of claims) {
      if (other !== kept) {
        withheld.push({ server: other.server, name: other.tool.name, reason: `the name ${name} is held by server ${kept.server}` });
      }
    }
  }
  return { list: [...byName.values()], byName, withheld };
}

function nameRefusal(name: string, prefix: boolean, prefixed: ReadonlySet<string>): string | null {
  if (!TOOL_NAME_PATTERN.test(name)) return 'not a valid tool name: allowed are A-Z a-z 0-9 _ . - (1 to 128 characters)';
  if (!prefix) {
    const cut = name.indexOf(NAME_SEPARATOR);
    const namespace = cut > 0 ? name.slice(0, cut) : null;
    if (namespace !== null && prefixed.has(namespace)) return `the name is in server ${namespace}'s namespace`;
  }
  return null;
}
