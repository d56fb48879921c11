import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value the embedded engine's threads run at: the lowest priority, so calls come first. */
export const ENGINE_NICE = 19;

/**
 * Threads already sorted, so that a call reads the names of new threads only (reading every thread's name after
 * every insert held the event loop ≈ 0.5–0.7 ms with 30–34 threads): engine threads once lowered (their priority is
 * still checked each time, since some of the engine's threads set their own), Node's once named `node` on two calls
 * in a row, since a thread the engine has just started may not have its own name yet. Ids of threads that ended are
 * forgotten, so an id the kernel hands out again is looked at again.
 */
const sorted = new Map<number, 'engine' | 'node once' | 'node'>();

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
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    return 0;
  }
  if (sorted.size > 0) {
    const live = new Set(tids);
    for (const id of sorted.keys()) if (!live.has(id)) sorted.delete(id);
  }
  let count = 0;
  for (const id of tids) {
    const known = sorted.get(id);
    if (id === process.pid || known === 'node') continue;
    try {
      if (known !== 'engine' && readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim() === 'node') {
        sorted.set(id, known === 'node once' ? 'node' : 'node once');
        continue;
      }
      if (getPriority(id) !== ENGINE_NICE) {
        setPriority(id, ENGINE_NICE);
        count++;
      }
      sorted.set(id, 'engine');
    } catch {
      // The thread ended meanwhile, or the change is not allowed: leave it (and look again next time).
    }
  }
  return count;
}
