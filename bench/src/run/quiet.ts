import { treeCpuSeconds } from '../proc/proc-stat.js';

/** CPU load of the process trees over `ms`, in cores. */
export async function cpuLoad(pids: readonly number[], clockTicks: number, ms: number): Promise<number> {
  if (pids.length === 0) return 0;
  const before = treeCpuSeconds(pids, clockTicks);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (treeCpuSeconds(pids, clockTicks) - before) / (ms / 1000);
}

/**
 * Waits until the processes use at most `maxCores` over a 500 ms sample (e.g. a gateway still working off the
 * backlog of an overloaded case), for at most `budgetMs`. Returns the last sampled load in cores.
 */
export async function waitQuiet(pids: readonly number[], clockTicks: number, maxCores: number, budgetMs: number): Promise<number> {
  const until = Date.now() + budgetMs;
  const sampleMs = Math.min(500, budgetMs / 4);
  let cores = 0;
  do {
    cores = await cpuLoad(pids, clockTicks, sampleMs);
    if (cores <= maxCores) return cores;
  } while (Date.now() < until);
  return cores;
}
