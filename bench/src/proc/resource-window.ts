import { cpuTicks, treeCpuSeconds, treeMemory, type CpuTicks } from './proc-stat.js';

/** What one group of processes cost during a measured window. */
export interface GroupUsage {
  /**
   * CPU seconds (user + system) of the group's process trees during the window; NaN (null in JSON) when processes
   * that ran at the start were gone unreaped by the end, so their time could not be counted.
   */
  cpuSeconds: number;
  /** Largest sampled sum of VmRSS over the group's trees, in bytes. */
  maxRssBytes: number;
  /** Sum of VmHWM (each process's lifetime peak) over the group's trees at the end, in bytes. */
  peakRssBytes: number;
}

/** How busy some CPUs were over a window, as shares of their time (0–1). */
export interface CpuShares {
  /** Running anything: the processes under test, the kernel's work for them, anything else pinned there. */
  busy: number;
  /** Stolen by the hypervisor: time the CPU had work but its core ran another machine's. */
  steal: number;
}

/**
 * CPU and memory of named process groups between `begin()` and `end()`, with memory sampled in between, and how
 * busy the given CPUs (those the groups are pinned to) were.
 */
export class ResourceWindow {
  private cpuAtBegin = new Map<string, number>();
  private maxRss = new Map<string, number>();
  private selfAtBegin: NodeJS.CpuUsage = process.cpuUsage();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly groups: Readonly<Record<string, readonly number[]>>,
    private readonly clockTicks: number,
    private readonly sampleEveryMs = 1000,
    private readonly cpus: readonly number[] = [],
  ) {}

  private cpusAtBegin: CpuTicks | null = null;

  /** Starts the window. */
  begin(): void {
    for (const [name, pids] of Object.entries(this.groups)) this.cpuAtBegin.set(name, treeCpuSeconds(pids, this.clockTicks));
    this.selfAtBegin = process.cpuUsage();
    this.cpusAtBegin = this.cpus.length ? cpuTicks(this.cpus) : null;
    this.sampleMemory();
    this.timer = setInterval(() => this.sampleMemory(), this.sampleEveryMs);
    this.timer.unref();
  }

  /** Ends the window: usage per group, this process's own CPU seconds, and the shares of the CPUs (null if none). */
  end(): { groups: Record<string, GroupUsage>; selfCpuSeconds: number; cpus: CpuShares | null } {
    const self = process.cpuUsage(this.selfAtBegin);
    if (this.timer) clearInterval(this.timer);
    this.sampleMemory();
    const groups: Record<string, GroupUsage> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      groups[name] = {
        cpuSeconds: cpuDelta(treeCpuSeconds(pids, this.clockTicks) - (this.cpuAtBegin.get(name) ?? 0)),
        maxRssBytes: this.maxRss.get(name) ?? 0,
        peakRssBytes: treeMemory(pids).hwm,
      };
    }
    let cpus: CpuShares | null = null;
    if (this.cpusAtBegin) {
      const now = cpuTicks(this.cpus);
      const total = now.total - this.cpusAtBegin.total;
      if (total > 0) cpus = { busy: (now.busy - this.cpusAtBegin.busy) / total, steal: (now.steal - this.cpusAtBegin.steal) / total };
    }
    return { groups, selfCpuSeconds: (self.user + self.system) / 1e6, cpus };
  }

  private sampleMemory(): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      this.maxRss.set(name, Math.max(this.maxRss.get(name) ?? 0, treeMemory(pids).rss));
    }
  }
}

/** A drop in a tree's CPU time means children vanished without being reaped into it: unknown, not zero. */
function cpuDelta(seconds: number): number {
  return seconds < -0.01 ? Number.NaN : Math.max(0, seconds);
}
