import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuTicks, memoryOf, parseCpuList, processTree, treeCpuSeconds } from '../../src/proc/proc-stat.js';

describe('/proc readings', () => {
  it('counts the CPU of a child under its parent, and reads RSS', async () => {
    // A shell whose child spins for ~300 ms of CPU: the tree's CPU must grow by about that.
    const shell = spawn('sh', ['-c', `${process.execPath} -e "const t=Date.now(); while (Date.now()-t<300);" ; sleep 5`], { stdio: 'ignore' });
    try {
      const pid = shell.pid!;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processTree([pid]).length).toBeGreaterThanOrEqual(2);
      const before = treeCpuSeconds([pid], 100);
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(treeCpuSeconds([pid], 100) - before).toBeGreaterThan(0.1);
      const memory = memoryOf(process.pid);
      expect(memory.rss).toBeGreaterThan(10 * 2 ** 20);
      expect(memory.hwm).toBeGreaterThanOrEqual(memory.rss);
    } finally {
      shell.kill('SIGKILL');
    }
  });

  it('reads taskset CPU lists, and refuses what is not one', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-2,4')).toEqual([0, 1, 2, 4]);
    expect(parseCpuList('3,1-2')).toEqual([1, 2, 3]);
    for (const bad of ['', 'a', '0-', '0,,1', '1-x']) expect(() => parseCpuList(bad), bad).toThrow(/not a CPU list/);
  });

  it('sums busy and stolen time of the chosen CPUs from /proc/stat', () => {
    const stat = [
      'cpu  300 0 30 700 10 0 5 40 0 0',
      'cpu0 100 5 20 300 4 0 3 30 7 0',
      'cpu1 200 0 10 400 6 0 2 10 0 0',
      'intr 12345',
    ].join('\n');
    // total = user + nice + system + idle + iowait + irq + softirq + steal; busy leaves idle and iowait out.
    expect(cpuTicks([0], stat)).toEqual({ total: 462, busy: 158, steal: 30 });
    expect(cpuTicks([0, 1], stat)).toEqual({ total: 462 + 628, busy: 158 + 222, steal: 40 });
    expect(cpuTicks([7], stat)).toEqual({ total: 0, busy: 0, steal: 0 });
    const live = cpuTicks([0]);
    expect(live.total).toBeGreaterThan(0);
    expect(live.busy).toBeLessThanOrEqual(live.total);
  });
});
