#!/usr/bin/env node
/**
 * `npm run bench` / `npm run bench:smoke`: every scenario in one interleaved run, then a markdown and a JSON
 * report. See `--help`.
 */
import { runCleanups } from './run/cleanup.js';
import { killAll } from './run/managed-process.js';
import { runBench } from './run/run-bench.js';
import { HELP, parseSettings } from './settings.js';
import { writeReport } from './report/write-report.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
let settings;
try {
  settings = parseSettings(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const interrupted = (signal: string): void => {
  process.stderr.write(`bench: ${signal}, stopping every process it started\n`);
  void runCleanups(15_000).finally(() => {
    killAll();
    process.exit(130);
  });
};
process.once('SIGINT', () => interrupted('SIGINT'));
process.once('SIGTERM', () => interrupted('SIGTERM'));

const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
try {
  const rest = process.argv.slice(2).filter((a) => a !== '--smoke');
  const command = ['npm run', settings.mode === 'smoke' ? 'bench:smoke' : 'bench', ...(rest.length ? ['--', ...rest] : [])].join(' ');
  const report = await runBench(settings, command, log);
  const files = writeReport(settings.outDir, report);
  for (const f of report.floors) log(`${f.status.padEnd(4)} ${f.name}: ${f.measured} (limit ${f.limit}${f.floorHere === '—' ? '' : `; floor here ${f.floorHere}`}${f.belowFloor ? ', below it' : ''})`);
  log(`report: ${files.markdown}`);
  process.stdout.write(`${JSON.stringify(files)}\n`);
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  killAll();
  process.exitCode = 1;
}
