import { treeCpuSeconds, treeMemory } from './proc-stat.js';

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

/** CPU and memory of named process groups between `begin()` and `end()`, with memory sampled in between. */
export class ResourceWindow {
  private cpuAtBegin = new Map<string, number>();
  private maxRss = new Map<string, number>();
  private selfAtBegin: NodeJS.CpuUsage = process.cpuUsage();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly groups: Readonly<Record<string, readonly number[]>>,
    private readonly clockTicks: number,
    private readonly sampleEveryMs = 1000,
  ) {}

  /** Starts the window. */
  begin(): void {
    for (const [name, pids] of Object.entries(this.groups)) this.cpuAtBegin.set(name, treeCpuSeconds(pids, this.clockTicks));
    this.selfAtBegin = process.cpuUsage();
    this.sampleMemory();
    this.timer = setInterval(() => this.sampleMemory(), this.sampleEveryMs);
    this.timer.unref();
  }

  /** Ends the window: usage per group, and this process's own CPU seconds. */
  end(): { groups: Record<string, GroupUsage>; selfCpuSeconds: number } {
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
    return { groups, selfCpuSeconds: (self.user + self.system) / 1e6 };
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
