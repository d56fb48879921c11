import { readdirSync, readFileSync } from 'node:fs';

/** CPU and memory of one process as /proc shows it. */
interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: its own CPU plus that of children it has reaped. */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses; the fields after the last ')' are plain.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const num = (i: number): number => Number(fields[i] ?? 0);
  // fields[0] is state (stat field 3): ppid is field 4, utime..cstime are fields 14..17.
  return { ppid: num(1), ticks: num(11) + num(12) + num(13) + num(14) };
}

/** Every live process id. */
function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The given processes and all their live descendants (this kernel may lack /proc/<pid>/task/<tid>/children). */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/**
 * CPU seconds used so far by the trees under `roots`. The difference of two readings is the CPU spent in between,
 * including children that exited and were reaped meanwhile (their time moves into the parent's cutime/cstime).
 */
export function treeCpuSeconds(roots: readonly number[], clockTicks: number): number {
  let ticks = 0;
  for (const pid of processTree(roots)) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / clockTicks;
}

/** CPU numbers of a taskset list such as `0` or `0-2,4`. */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`not a CPU list: ${list}`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Time of some CPUs so far, in clock ticks, from /proc/stat: all of it, busy (not idle nor waiting for I/O), and stolen. */
export interface CpuTicks {
  total: number;
  busy: number;
  /** Time the hypervisor gave the virtual CPU's core to something else while it had work. */
  steal: number;
}

/** Summed {@link CpuTicks} of the given CPUs (zeros for CPUs /proc/stat does not list). */
export function cpuTicks(cpus: readonly number[], statText = readFileSync('/proc/stat', 'utf8')): CpuTicks {
  const sum: CpuTicks = { total: 0, busy: 0, steal: 0 };
  const wanted = new Set(cpus);
  for (const line of statText.split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m || !wanted.has(Number(m[1]))) continue;
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice).
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2]!.trim().split(/\s+/).map(Number);
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    sum.total += total;
    sum.busy += total - idle - iowait;
    sum.steal += steal;
  }
  return sum;
}

/** Resident and peak resident memory of one process, in bytes (zeros once it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Summed resident and summed peak resident memory of the trees under `roots`, in bytes. */
export function treeMemory(roots: readonly number[]): { rss: number; hwm: number } {
  let rss = 0;
  let hwm = 0;
  for (const pid of processTree(roots)) {
    const m = memoryOf(pid);
    rss += m.rss;
    hwm += m.hwm;
  }
  return { rss, hwm };
}
