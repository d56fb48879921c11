import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value the embedded engine's threads run at: the lowest priority, so calls come first. */
export const ENGINE_NICE = 19;

/** Linux's `SCHED_IDLE` scheduling policy, as `/proc/<pid>/task/<tid>/stat` shows it (field 41). */
export const SCHED_IDLE = 5;

/** Engine threads already moved to `SCHED_IDLE`, while they run. */
const idled = new Set<number>();
/** Whether `chrt` ran here; once it could not, it is not tried again. */
let chrtWorks = true;

/**
 * Lowers the scheduling priority of the threads the embedded ClickHouse engine started in this process (its query
 * pipeline, insert and merge pools), so that on a busy core a write or a background merge runs in the gaps between
 * the gateway's own work instead of stalling it: the engine does the same work, only later. Each engine thread gets
 * nice 19 and, where `chrt` (util-linux) is installed, the `SCHED_IDLE` policy: with nice 19 alone a waking gateway
 * thread may still wait out part of the engine thread's time slice, while any ordinary thread that wakes preempts a
 * `SCHED_IDLE` one at once. Node's threads (the main thread, V8's and libuv's workers, all named `node` on Linux)
 * keep their priority. Threads the engine starts later are caught on the next call; the audit sink calls it after
 * every insert. Linux only; elsewhere, and where a thread cannot be changed, it does nothing. Returns how many threads
 * it lowered.
 */
export function lowerEngineThreads(): number {
  if (process.platform !== 'linux') return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  // Forget threads that ended, so a thread that gets one of their ids later is not taken for idle already.
  const live = new Set(tids.map(Number));
  for (const id of idled) if (!live.has(id)) idled.delete(id);
  let lowered = 0;
  for (const tid of tids) {
    const id = Number(tid);
    if (id === process.pid) continue;
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'node') continue;
      // Checked every time: some engine threads set their own nice value when they start.
      if (getPriority(id) !== ENGINE_NICE) {
        setPriority(id, ENGINE_NICE);
        lowered++;
      }
      if (chrtWorks && !idled.has(id) && idle(id)) idled.add(id);
    } catch {
      // The thread ended meanwhile, or the change is not allowed: leave it.
    }
  }
  return lowered;
}

/** Moves one thread to `SCHED_IDLE`; false when that could not be done. */
function idle(tid: number): boolean {
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 2_000 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') chrtWorks = false;
    return false;
  }
}

/** The scheduling policy of a thread of this process (`/proc` stat field 41), or null when it cannot be read. */
export function schedulingPolicy(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; field 3 is the first of them.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const policy = Number(fields[41 - 3]);
    return Number.isInteger(policy) ? policy : null;
  } catch {
    return null;
  }
}
