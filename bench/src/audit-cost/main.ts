#!/usr/bin/env node
/**
 * What the audit sink costs per event on chDB, in process CPU (every thread, the embedded engine's included).
 *
 *   node bench/dist/audit-cost/main.js [--rate 2500] [--duration-s 5] [--batch-max-rows 5000] [--batch-max-ms 1000]
 *                                      [--sizes 50,500,5000] [--events-per-size 10000] [--only rate|sizes|pieces]
 *
 * - rate: the real path (per-partition groups → toAuditBatch → BatchWriter → chDB store in a temp directory) fed
 *   at a fixed rate with the events of 1 KB tool calls (5 events each); prints CPU µs per event and per call, and
 *   the rows stored.
 * - sizes: store.write straight away with batches of each size: new rows, the same rows again in the same process,
 *   and again after reopening the store (the id look-up path); then the fixed and per-event cost of a write.
 * - pieces: the JavaScript pieces per event (row building; JSONEachRow as the client encodes it; JSONCompactEachRow
 *   as the chDB writer does), and the CPU of one `SELECT 1` through the store, the engine's fixed cost per query.
 *
 * It uses both cores for seconds: run it on a quiet machine and compare runs, not single figures.
 */
import { parseArgs } from 'node:util';
import { EVENTS_PER_CALL } from './call-events.js';
import { batchSizeCosts, costLine } from './batch-sizes.js';
import { pieceCosts } from './pieces.js';
import { rateRun } from './rate-run.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2500' },
    'duration-s': { type: 'string', default: '5' },
    'batch-max-rows': { type: 'string', default: '10000' },
    'batch-max-ms': { type: 'string', default: '1000' },
    sizes: { type: 'string', default: '50,500,5000' },
    'events-per-size': { type: 'string', default: '10000' },
    only: { type: 'string' },
  },
});
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const runs = (part: string): boolean => values.only === undefined || values.only === part;

if (runs('rate')) {
  const r = await rateRun({
    rate: Number(values.rate),
    durationS: Number(values['duration-s']),
    batchMaxRows: Number(values['batch-max-rows']),
    batchMaxMs: Number(values['batch-max-ms']),
  });
  const perEvent = r.run.process / r.events;
  const withSettle = (r.run.process + r.settle.process) / r.events;
  out(`## Fixed rate: ${values.rate} events/s for ${values['duration-s']} s (batchMaxRows ${values['batch-max-rows']}, batchMaxMs ${values['batch-max-ms']})`);
  out();
  out('| events | writes | CPU µs/event | CPU µs/call | main thread µs/event | + 1 s settle µs/event | driver alone µs/event (main) | idle CPU ms/s | stored events (distinct) / calls | expected |');
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  out(
    `| ${r.events} | ${r.writes} | ${fixed(perEvent)} | ${fixed(perEvent * EVENTS_PER_CALL)} | ${r.run.main === null ? '?' : fixed(r.run.main / r.events)} | ${fixed(withSettle)} | ${fixed(r.driver.process / r.events)} (${r.driver.main === null ? '?' : fixed(r.driver.main / r.events)}) | ${fixed(r.idle.process / 1000)} | ${r.stored.events} (${r.stored.distinctEvents}) / ${r.stored.calls} | ${r.expected.events} / ${r.expected.calls} |`,
  );
  out();
  out('Driver alone: the same schedule into a BatchWriter with one-row batches and no store (timers, promises, GC),');
  out('run first; what the run costs beyond it is the sink\'s.');
  out();
}

if (runs('sizes')) {
  const sizes = values.sizes.split(',').map(Number);
  const costs = await batchSizeCosts(sizes, Number(values['events-per-size']));
  out('## store.write per batch size (process CPU; a batch of N events also holds N/5 call rows)');
  out();
  out('| events/batch | batches | new rows: ms/batch | µs/event | again, same process: ms/batch | again after restart: ms/batch | µs/event |');
  out('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of costs) {
    out(
      `| ${c.events} | ${c.batches} | ${fixed(c.freshUs / 1000, 2)} | ${fixed(c.freshUs / c.events)} | ${fixed(c.againUs / 1000, 2)} | ${fixed(c.afterRestartUs / 1000, 2)} | ${fixed(c.afterRestartUs / c.events)} |`,
    );
  }
  const line = costLine(costs.map((c) => ({ events: c.events, us: c.freshUs })));
  const lookUp = costLine(costs.map((c) => ({ events: c.events, us: c.afterRestartUs })));
  out();
  out(`New rows: ${fixed(line.fixedUs / 1000, 2)} ms per write + ${fixed(line.perEventUs)} µs per event (least squares).`);
  out(`After restart (look-ups): ${fixed(lookUp.fixedUs / 1000, 2)} ms per write + ${fixed(lookUp.perEventUs)} µs per event.`);
  out();
}

if (runs('pieces')) {
  const p = await pieceCosts(500, 30);
  out('## Pieces: JavaScript per event, and one engine query');
  out();
  out('| rows (toAuditBatch) µs/event | JSONEachRow (client) µs/event | JSONCompactEachRow (chDB writer) µs/event | SELECT 1 µs/query |');
  out('| --- | --- | --- | --- |');
  out(`| ${fixed(p.rowsUs, 2)} | ${fixed(p.jsonEachRowUs, 2)} | ${fixed(p.compactUs, 2)} | ${fixed(p.queryUs, 0)} |`);
  out();
}
