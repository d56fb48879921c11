const pending = new Set<() => Promise<void>>();

/** Registers something to stop if the run is interrupted; returns the function that unregisters it. */
export function onCleanup(stop: () => Promise<void>): () => void {
  pending.add(stop);
  return () => pending.delete(stop);
}

/** Runs every registered stop (most recent first), giving them `budgetMs` in all. */
export async function runCleanups(budgetMs: number): Promise<void> {
  const stops = [...pending].reverse();
  pending.clear();
  const all = (async () => {
    for (const stop of stops) await stop().catch(() => undefined);
  })();
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, budgetMs).unref())]);
}
