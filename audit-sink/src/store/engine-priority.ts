import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value the embedded engine's threads run at: the lowest priority, so calls come first. */
export const ENGINE_NICE = 19;

/**
 * Lowers the scheduling priority of the threads the embedded ClickHouse engine started in this process (its query
 * pipeline, insert and merge pools), so that on a busy core a write or a background merge runs in the gaps between
 * the gateway's own work instead of stalling it: the engine does the same work, only later. Node's threads (the main
 * thread, V8's and libuv's workers, all named `node` on Linux) keep their priority. Threads the engine starts later
 * are caught on the next call; the audit sink calls it after every insert. Linux only (per-thread nice values);
 * elsewhere, and where a thread cannot be changed, it does nothing. Returns how many threads it lowered.
 */
export function lowerEngineThreads(): number {
  if (process.platform !== 'linux') return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const tid of tids) {
    const id = Number(tid);
    if (id === process.pid) continue;
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'node') continue;
      if (getPriority(id) === ENGINE_NICE) continue;
      setPriority(id, ENGINE_NICE);
      lowered++;
    } catch {
      // The thread ended meanwhile, or the change is not allowed: leave it.
    }
  }
  return lowered;
}
