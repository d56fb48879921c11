import { toAuditBatch, type AuditBatch, type AuditStore } from '@sluice/audit-sink';
import { EVENTS_PER_CALL, CallEvents } from './call-events.js';
import { scratchStore } from './chdb-store.js';
import { cpuMark, cpuSince } from './cpu.js';

/** CPU per `store.write` of one batch size, in three situations. */
export interface BatchSizeCost {
  /** Events per batch (plus one call row per five events). */
  events: number;
  batches: number;
  /** New rows: what the sink does in steady state. µs of process CPU per batch. */
  freshUs: number;
  /** The same batches again, in the same process (a handler's write failed after the rows were stored). */
  againUs: number;
  /** The same batches again after the store was closed and reopened (records redelivered after a restart). */
  afterRestartUs: number;
}

/** Per-batch CPU (µs) split into a fixed part and a part per event, by least squares over the sizes. */
export interface CostLine {
  fixedUs: number;
  perEventUs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function cpuPerBatch(store: AuditStore, batches: readonly AuditBatch[]): Promise<number> {
  const from = cpuMark();
  for (const batch of batches) await store.write(batch);
  // Background merges the inserts started belong to their cost.
  await sleep(200);
  return cpuSince(from).process / batches.length;
}

/**
 * Writes batches of each size straight to a chDB store (no BatchWriter), about `eventsPerSize` events per size,
 * then the same batches again in the same process and after reopening the store.
 */
export async function batchSizeCosts(sizes: readonly number[], eventsPerSize: number): Promise<BatchSizeCost[]> {
  const scratch = await scratchStore();
  try {
    const source = new CallEvents();
    let time = Date.now();
    const makeBatches = (events: number): AuditBatch[] => {
      const count = Math.max(3, Math.round(eventsPerSize / events));
      return Array.from({ length: count }, () => {
        const calls = Math.max(1, Math.round(events / EVENTS_PER_CALL));
        const batch = toAuditBatch(source.many(calls, time));
        time += calls + 10;
        return batch;
      });
    };
    await scratch.store.write(makeBatches(50)[0]!);
    const plans = sizes.map((events) => ({ events, batches: makeBatches(events) }));
    const fresh = new Map<number, number>();
    const again = new Map<number, number>();
    for (const { events, batches } of plans) fresh.set(events, await cpuPerBatch(scratch.store, batches));
    for (const { events, batches } of plans) again.set(events, await cpuPerBatch(scratch.store, batches));
    const afterRestart = new Map<number, number>();
    for (const { events, batches } of plans) {
      const store = await scratch.reopen();
      await sleep(200);
      afterRestart.set(events, await cpuPerBatch(store, batches));
    }
    return plans.map(({ events, batches }) => ({
      events,
      batches: batches.length,
      freshUs: fresh.get(events)!,
      againUs: again.get(events)!,
      afterRestartUs: afterRestart.get(events)!,
    }));
  } finally {
    await scratch.dispose();
  }
}

/** Least-squares line through (events, µs per batch). */
export function costLine(points: ReadonlyArray<{ events: number; us: number }>): CostLine {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.events, 0) / n;
  const my = points.reduce((s, p) => s + p.us, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.events - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.events - mx) * (p.us - my), 0);
  const perEventUs = sxx === 0 ? 0 : sxy / sxx;
  return { fixedUs: my - perEventUs * mx, perEventUs };
}
