#!/usr/bin/env node
/**
 * The load generator process: `node bench/dist/load/main.js '<LoadJob as JSON>'`. Prints one JSON line, the
 * LoadResult, on stdout (after `{"interval": …}` lines when the job asks for them); exits 1 with a message on
 * stderr when the job cannot run, and 3 past its deadline.
 */
import type { LoadJob } from './job.js';
import { runJob } from './run-job.js';

const job = JSON.parse(process.argv[2] ?? '') as LoadJob;
const deadline = setTimeout(() => {
  process.stderr.write('load generator: deadline passed\n');
  process.exit(3);
}, job.warmupMs + job.durationMs + job.timeoutMs + 60_000);
deadline.unref();

try {
  const result = await runJob(job, (interval) => process.stdout.write(`${JSON.stringify({ interval })}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`load generator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
