import type { ClickHouseClient } from '@clickhouse/client';
import type { SluiceEvent } from '@sluice/schemas';
import { describe, expect, it } from 'vitest';
import { toAuditBatch, type AuditBatch } from '../../src/rows/audit-batch.js';
import type { CallRow } from '../../src/rows/call-row.js';
import type { EventRow } from '../../src/rows/event-row.js';
import { ReadQueries } from '../../src/sql/read-queries.js';
import { ClickHouseAuditStore } from '../../src/store/clickhouse-store.js';
import { DedupState, sharedDedupState, type Watermarks } from '../../src/store/dedup-state.js';
import type { RowWriter } from '../../src/store/row-writer.js';
import { erroredCall, oneOfEach } from '../support.js';

type Table = 'events' | 'calls';

/** A table pair in memory behind a fake client (id look-ups) and a fake writer (inserts), counting both. */
function fakeTables() {
  const stored = { events: [] as string[], calls: [] as string[] };
  const lookUps: Array<{ table: Table; ids: string[] }> = [];
  const failures: Array<{ table: Table; afterStoring: boolean }> = [];
  const client = {
    query: async ({ query, query_params }: { query: string; query_params: { ids: string[] } }) => {
      const table: Table = query.includes('sluice.events') ? 'events' : 'calls';
      lookUps.push({ table, ids: [...query_params.ids] });
      const found = query_params.ids.filter((id) => stored[table].includes(id));
      return { json: async () => found.map((id) => ({ id })) };
    },
  } as unknown as ClickHouseClient;
  const insert = async (table: Table, ids: string[]): Promise<void> => {
    const failure = failures.findIndex((f) => f.table === table);
    const fail = failure >= 0 ? failures.splice(failure, 1)[0]! : null;
    if (fail && !fail.afterStoring) throw new Error(`${table} insert refused`);
    stored[table].push(...ids);
    if (fail) throw new Error(`${table} insert acknowledgement lost`);
  };
  const writer: RowWriter = {
    insertEvents: (rows: readonly EventRow[]) => insert('events', rows.map((r) => r.event_id)),
    insertCalls: (rows: readonly CallRow[]) => insert('calls', rows.map((r) => r.request_id)),
    prepare: () => {},
  };
  const noReads = new ReadQueries({ run: () => Promise.reject(new Error('no reads here')), close: async () => {} });
  const open = (watermarks: Watermarks): ClickHouseAuditStore =>
    new ClickHouseAuditStore('chdb', client, noReads, writer, new DedupState(watermarks), async () => {});
  return { stored, lookUps, failures, open };
}

const batchOf = (events: SluiceEvent[], firstOffset = 0): AuditBatch =>
  toAuditBatch(
    events.map((event, i) => ({
      event,
      record: { topic: 'sluice.requests', partition: 0, offset: String(firstOffset + i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
    })),
  );

/** What a store opening on these rows reads: the latest event time and call start. */
const watermarksOf = (...batches: AuditBatch[]): Watermarks => ({
  events: batches.flatMap((b) => b.events.map((r) => r.time)).sort().at(-1) ?? '',
  calls: batches.flatMap((b) => b.calls.map((r) => r.started_at)).sort().at(-1) ?? '',
});

const T0 = 1_767_225_600_000;

describe('ClickHouseAuditStore deduplication', () => {
  it('stores new rows without a look-up, and recognises them when delivered again in the same process', async () => {
    const tables = fakeTables();
    const store = tables.open({ events: '', calls: '' });
    const batch = batchOf(oneOfEach('s-1', 'r-1'));
    expect(await store.write(batch)).toEqual({ events: 7, calls: 1, duplicates: 0 });
    expect(await store.write(batch)).toEqual({ events: 0, calls: 0, duplicates: 8 });
    expect(tables.lookUps).toEqual([]);
    expect(tables.stored.events).toHaveLength(7);
    expect(tables.stored.calls).toEqual(['r-1']);
  });

  it('after a restart, looks up a batch delivered again and stores none of it; newer rows need no look-up', async () => {
    const tables = fakeTables();
    const first = batchOf(erroredCall('s-1', 'r-1', T0));
    await tables.open({ events: '', calls: '' }).write(first);

    const restarted = tables.open(watermarksOf(first));
    expect(await restarted.write(first)).toEqual({ events: 0, calls: 0, duplicates: 5 });
    expect(tables.lookUps.map((l) => [l.table, l.ids.length])).toEqual([
      ['events', 4],
      ['calls', 1],
    ]);
    tables.lookUps.length = 0;

    const later = batchOf(erroredCall('s-1', 'r-2', T0 + 1_000), 4);
    expect(await restarted.write(later)).toEqual({ events: 4, calls: 1, duplicates: 0 });
    expect(tables.lookUps).toEqual([]);
    expect(tables.stored.events).toHaveLength(8);
    expect(tables.stored.calls).toEqual(['r-1', 'r-2']);
  });

  it('after a restart, stores rows older than the watermark that are not stored (late partitions)', async () => {
    const tables = fakeTables();
    const recent = batchOf(erroredCall('s-1', 'r-2', T0 + 1_000));
    await tables.open({ events: '', calls: '' }).write(recent);
    const restarted = tables.open(watermarksOf(recent));
    const late = batchOf(erroredCall('s-2', 'r-1', T0), 10);
    expect(await restarted.write(late)).toEqual({ events: 4, calls: 1, duplicates: 0 });
    expect(tables.lookUps.map((l) => l.table)).toEqual(['events', 'calls']);
    expect(await restarted.write(late)).toEqual({ events: 0, calls: 0, duplicates: 5 });
    expect(tables.lookUps).toHaveLength(2);
  });

  it('looks up rows whose insert failed after storing them, so a retry does not store them twice', async () => {
    const tables = fakeTables();
    const store = tables.open({ events: '', calls: '' });
    const batch = batchOf(erroredCall('s-1', 'r-1', T0));
    tables.failures.push({ table: 'events', afterStoring: true });
    await expect(store.write(batch)).rejects.toMatchObject({ code: 'SLUICE_AUDIT_WRITE_FAILED' });
    expect(tables.stored.calls).toEqual([]);

    expect(await store.write(batch)).toEqual({ events: 0, calls: 1, duplicates: 4 });
    expect(tables.lookUps.map((l) => l.table)).toEqual(['events']);
    expect(tables.stored.events).toHaveLength(4);
    expect(tables.stored.calls).toEqual(['r-1']);
  });

  it('stores the calls of a batch whose events were stored but whose calls insert failed, once', async () => {
    const tables = fakeTables();
    const store = tables.open({ events: '', calls: '' });
    const batch = batchOf(oneOfEach('s-1', 'r-1'));
    tables.failures.push({ table: 'calls', afterStoring: false });
    await expect(store.write(batch)).rejects.toMatchObject({ code: 'SLUICE_AUDIT_WRITE_FAILED' });
    expect(await store.write(batch)).toEqual({ events: 0, calls: 1, duplicates: 7 });
    expect(tables.lookUps.map((l) => l.table)).toEqual(['calls']);
    expect(await store.write(batch)).toEqual({ events: 0, calls: 0, duplicates: 8 });
    expect(tables.stored.calls).toEqual(['r-1']);
  });

  it("looks up a call whose reply carries no request time: its start is the reply's own, not the request's", async () => {
    const tables = fakeTables();
    const store = tables.open({ events: '', calls: '' });
    const [request, decision, dispatch, reply] = erroredCall('s-1', 'r-1', T0);
    const untimed = { ...reply!, body: { ...(reply as SluiceEvent & { type: 'backend.message' }).body, requestTime: null } } as SluiceEvent;
    expect(await store.write(batchOf([request!, decision!, dispatch!, untimed]))).toEqual({ events: 4, calls: 1, duplicates: 0 });
    expect(tables.lookUps).toEqual([{ table: 'calls', ids: ['r-1'] }]);
  });

  it('on a shared server (no watermark), looks up every row it does not know stored', async () => {
    const tables = fakeTables();
    const store = tables.open({ events: null, calls: null });
    const batch = batchOf(erroredCall('s-1', 'r-1', T0));
    await store.write(batch);
    expect(tables.lookUps.map((l) => [l.table, l.ids.length])).toEqual([
      ['events', 4],
      ['calls', 1],
    ]);
    expect(await store.write(batch)).toEqual({ events: 0, calls: 0, duplicates: 5 });
    expect(tables.lookUps).toHaveLength(2);
  });

  it('runs concurrent writes one at a time, so the same new rows written twice at once are stored once', async () => {
    const tables = fakeTables();
    const store = tables.open({ events: '', calls: '' });
    const batch = batchOf(erroredCall('s-1', 'r-1', T0));
    const results = await Promise.all([store.write(batch), store.write(batch)]);
    expect(results).toEqual([
      { events: 4, calls: 1, duplicates: 0 },
      { events: 0, calls: 0, duplicates: 5 },
    ]);
    expect(tables.stored.events).toHaveLength(4);
  });
});

describe('sharedDedupState', () => {
  it('gives the stores of one directory one state, and reads the watermarks again once the last has released it', async () => {
    let reads = 0;
    const client = {
      query: async () => {
        reads++;
        return { json: async () => [{ t: 'events', n: '1', last: '2026-01-01 00:00:00.000' }, { t: 'calls', n: '0', last: '1970-01-01 00:00:00.000' }] };
      },
    } as unknown as ClickHouseClient;
    const a = await sharedDedupState('shared-dedup/audit', client);
    const b = await sharedDedupState('shared-dedup/../shared-dedup/audit', client);
    expect(b.state).toBe(a.state);
    expect(reads).toBe(1);
    expect(a.state.calls.classify(batchOf(erroredCall('s-1', 'r-1', T0)).calls).unstored).toHaveLength(1);
    a.release();
    const c = await sharedDedupState('shared-dedup/audit', client);
    expect(c.state).toBe(a.state);
    b.release();
    c.release();
    const d = await sharedDedupState('shared-dedup/audit', client);
    expect(d.state).not.toBe(a.state);
    expect(reads).toBe(2);
    d.release();
  });
});
