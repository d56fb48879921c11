import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryOf, processTree, treeCpuSeconds } from '../../src/proc/proc-stat.js';

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
});
