import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { processTree } from '../proc/proc-stat.js';

const run = promisify(execFile);

/**
 * Pins every thread of the trees under `roots` to the CPU list (processes they spawn later inherit it), so that
 * targets which start their own processes (peers) share the CPUs under test like Sluice does. Failures are
 * returned, not thrown: a process may exit meanwhile.
 */
export async function pinTrees(roots: readonly number[], cpus: string): Promise<string[]> {
  const failures: string[] = [];
  for (const pid of processTree(roots)) {
    await run('taskset', ['-a', '-c', '-p', cpus, String(pid)]).catch((err: unknown) => failures.push(`${pid}: ${String(err).slice(0, 200)}`));
  }
  return failures;
}
