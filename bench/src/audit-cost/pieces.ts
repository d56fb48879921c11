import { TextBuffer, encodeCallRows, encodeEventRows, toAuditBatch, type AuditBatch } from '@sluice/audit-sink';
import type { ConsumedEvent } from '@sluice/core';
import { CallEvents } from './call-events.js';
import { scratchStore } from './chdb-store.js';
import { processCpuUs } from './cpu.js';

/** CPU of the pieces of a write: JavaScript ones per event, and one engine round trip. */
export interface PieceCosts {
  /** `toAuditBatch`: consumed events to rows, µs per event. */
  rowsUs: number;
  /** The rows as JSONEachRow text, as `@clickhouse/client` encodes an array for an insert (the server path). */
  jsonEachRowUs: number;
  /** The rows as JSONCompactEachRow into a reused buffer, as the chDB writer encodes them. */
  compactUs: number;
  /** One `SELECT 1` through the store's admin path (a `SET readonly` and the query): µs per query. */
  queryUs: number;
}

function perEvent(events: number, reps: number, work: () => void): number {
  for (let i = 0; i < 3; i++) work();
  const from = processCpuUs();
  for (let i = 0; i < reps; i++) work();
  return (processCpuUs() - from) / (events * reps);
}

/** Measures the pieces over `calls` calls' events, repeated `reps` times (after one warm-up round). */
export async function pieceCosts(calls: number, reps: number): Promise<PieceCosts> {
  const consumed: ConsumedEvent[] = new CallEvents().many(calls, Date.now());
  const events = consumed.length;
  let batch: AuditBatch = toAuditBatch(consumed);
  const rowsUs = perEvent(events, reps, () => {
    batch = toAuditBatch(consumed);
  });
  const jsonEachRowUs = perEvent(events, reps, () => {
    [...batch.events, ...batch.calls].map((row) => `${JSON.stringify(row)}\n`).join('');
  });
  const eventText = new TextBuffer();
  const callText = new TextBuffer();
  const compactUs = perEvent(events, reps, () => {
    encodeEventRows(batch.events, eventText);
    encodeCallRows(batch.calls, callText);
  });

  const scratch = await scratchStore();
  try {
    const queries = 200;
    await scratch.store.query('SELECT 1');
    const from = processCpuUs();
    for (let i = 0; i < queries; i++) await scratch.store.query('SELECT 1');
    return { rowsUs, jsonEachRowUs, compactUs, queryUs: (processCpuUs() - from) / queries };
  } finally {
    await scratch.dispose();
  }
}
