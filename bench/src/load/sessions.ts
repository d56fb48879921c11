import type { McpWire, WireSession } from './mcp-wire.js';

/** Runs `task` for 0..count-1 with at most `concurrency` at a time. */
async function pooled<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

/** Opens `count` sessions, 16 at a time; fails naming the session that could not be opened. */
export function openSessions(wire: McpWire, count: number): Promise<WireSession[]> {
  return pooled(count, 16, (i) =>
    wire.open().catch((err: unknown) => {
      throw new Error(`opening session ${i + 1} of ${count}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }),
  );
}

/** Ends sessions with DELETE, 16 at a time, ignoring failures, giving up after `budgetMs`. */
export async function closeSessions(wire: McpWire, sessions: readonly WireSession[], budgetMs: number): Promise<void> {
  const all = pooled(sessions.length, 16, (i) => wire.close(sessions[i]!).catch(() => undefined));
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, budgetMs).unref())]);
}
