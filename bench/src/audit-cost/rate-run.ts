import { BatchWriter, toAuditBatch, type AuditBatch } from '@sluice/audit-sink';
import type { ConsumedEvent } from '@sluice/core';
import { EVENTS_PER_CALL, CallEvents, byPartition } from './call-events.js';
import { scratchStore, storedCounts } from './chdb-store.js';
import { cpuMark, cpuSince, type CpuMark } from './cpu.js';

/** A fixed-rate run. */
export interface RateRunOptions {
  /** Events per second (a multiple of `EVENTS_PER_CALL` per tick). */
  rate: number;
  durationS: number;
  batchMaxRows: number;
  batchMaxMs: number;
}

/** What a fixed-rate run cost and stored. */
export interface RateRunResult {
  events: number;
  calls: number;
  writes: number;
  /** CPU from the first event until every row is stored. */
  run: CpuMark;
  /** CPU of the second after the last write (background merges it started, idle threads). */
  settle: CpuMark;
  /** CPU of one idle second before the run, for reference. */
  idle: CpuMark;
  stored: { events: number; distinctEvents: number; calls: number };
  /** Rows that should be stored: the run's and the warm-up's. */
  expected: { events: number; calls: number };
  /** CPU of the same schedule driving a BatchWriter with one-row batches and no store: the driver's own share. */
  driver: CpuMark;
}

const TICK_MS = 10;
const WARM_UP_CALLS = 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Feeds the real sink path (per-partition groups → `toAuditBatch` → `BatchWriter` → chDB store) at a fixed rate, a
 * tick every 10 ms, as the bus hands a partition's records to the sink's handler.
 */
export async function rateRun(options: RateRunOptions): Promise<RateRunResult> {
  const scratch = await scratchStore({ maxRows: options.batchMaxRows, maxMs: options.batchMaxMs });
  try {
    const source = new CallEvents();
    let writes = 0;
    const writer = new BatchWriter({
      maxRows: options.batchMaxRows,
      maxMs: options.batchMaxMs,
      write: async (batch) => {
        writes++;
        await scratch.store.write(batch);
      },
    });
    // Warm up: the first writes create the tables' first parts.
    await writer.add(toAuditBatch(source.many(WARM_UP_CALLS, Date.now())));
    await sleep(300);

    const callsPerTick = Math.max(1, Math.round((options.rate * TICK_MS) / 1000 / EVENTS_PER_CALL));
    const ticks = Math.round((options.durationS * 1000) / TICK_MS);
    const start = Date.now() + 1_100;
    const plan = Array.from({ length: ticks }, (_, i) => byPartition(source.many(callsPerTick, start + i * TICK_MS)));
    writes = 0;

    const one = toAuditBatch(plan[0]![0]!.slice(0, 1));
    const idleWriter = new BatchWriter({ maxRows: options.batchMaxRows, maxMs: options.batchMaxMs, write: async () => {} });
    const driver = await feed(plan, idleWriter, () => ({ events: one.events, calls: [] }));
    idleWriter.close();

    const idleFrom = cpuMark();
    await sleep(1_000);
    const idle = cpuSince(idleFrom);

    // As the sink's handler does: rows readied for the store as they arrive, written together later.
    const run = await feed(plan, writer, (group) => {
      const batch = toAuditBatch(group);
      scratch.store.prepare(batch);
      return batch;
    });
    const settleFrom = cpuMark();
    await sleep(1_000);
    const settle = cpuSince(settleFrom);
    writer.close();

    const calls = ticks * callsPerTick;
    const expected = { events: (calls + WARM_UP_CALLS) * EVENTS_PER_CALL, calls: calls + WARM_UP_CALLS };
    return { events: calls * EVENTS_PER_CALL, calls, writes, run, settle, idle, stored: await storedCounts(scratch.store), expected, driver };
  } finally {
    await scratch.dispose();
  }
}

/** Hands each tick's groups to `writer` on schedule, waits until every one is written, and returns the CPU spent. */
async function feed(plan: ConsumedEvent[][][], writer: BatchWriter, rows: (group: ConsumedEvent[]) => AuditBatch): Promise<CpuMark> {
  const from = cpuMark();
  const handled: Array<Promise<void>> = [];
  for (let i = 0; i < plan.length; i++) {
    await sleep(from.wallMs + i * TICK_MS - performance.now());
    for (const group of plan[i]!) handled.push(writer.add(rows(group)));
  }
  await Promise.all(handled);
  await writer.drain();
  return cpuSince(from);
}
