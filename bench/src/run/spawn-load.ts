import { join } from 'node:path';
import type { IntervalReport, LoadJob, LoadResult } from '../load/job.js';
import { withoutLocalPaths } from '../report/local-paths.js';
import { ROOT, type BenchSettings } from '../settings.js';
import { ManagedProcess } from './managed-process.js';

const MAIN = join(ROOT, 'bench/dist/load/main.js');

/**
 * Runs one job in a fresh load generator process pinned to the load CPUs, and returns its result. Interval lines
 * go to `onInterval` as they come. Fails with the generator's output if it exits without a result.
 */
export async function runLoad(settings: Readonly<BenchSettings>, job: LoadJob, onInterval?: (report: IntervalReport) => void): Promise<LoadResult> {
  const proc = new ManagedProcess('load generator', settings.loadCpus, process.execPath, [MAIN, JSON.stringify(job)]);
  let result: LoadResult | null = null;
  let pending = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as { interval?: IntervalReport } & Partial<LoadResult>;
      if (parsed.interval) onInterval?.(parsed.interval);
      else result = parsed as LoadResult;
    }
  });
  const deadline = setTimeout(() => proc.child.kill('SIGKILL'), job.warmupMs + job.durationMs + job.timeoutMs + 90_000);
  const drained = new Promise((resolve) => proc.child.stdout?.once('close', resolve));
  const code = await proc.exited.finally(() => clearTimeout(deadline));
  await drained;
  // Paths go before the log is cut short: a path cut in two would no longer be recognised in the report.
  if (code !== 0 || result === null) throw new Error(`load generator exited with ${code}: ${withoutLocalPaths(proc.log).slice(-1500)}`);
  return result;
}
