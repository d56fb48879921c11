import type { ClickHouseClient } from '@clickhouse/client';
import { AuditError } from '../errors.js';
import type { AuditBatch } from '../rows/audit-batch.js';
import type { CallRow } from '../rows/call-row.js';
import type { EventRow } from '../rows/event-row.js';
import type { ReadQueries } from '../sql/read-queries.js';
import type { AuditStore, QueryOptions, WriteResult } from './audit-store.js';
import { messageOf } from './clickhouse-errors.js';
import type { DedupState } from './dedup-state.js';
import type { RowWriter } from './row-writer.js';
import type { StoredIds } from './stored-ids.js';

/**
 * The audit store over a `@clickhouse/client` client, whichever connection (server or chDB) it was given. Writes run
 * one at a time per data directory; rows whose ids are stored already are skipped, looked up only when the dedup
 * state cannot tell (see `StoredIds`: on chDB, only rows older than what was stored when it opened).
 */
export class ClickHouseAuditStore implements AuditStore {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;

  constructor(
    readonly kind: 'chdb' | 'clickhouse',
    /** For inserts and the id look-ups before them. */
    private readonly client: ClickHouseClient,
    /** Admin statements: checked by the engine's parser, run with the read limits. */
    private readonly reads: ReadQueries,
    /** Inserts the rows found not stored. */
    private readonly writer: RowWriter,
    /** What is known stored, and the queue of writes. */
    private readonly dedup: DedupState,
    /** Closes the clients and frees what they hold (the chDB engine's data directory). */
    private readonly release: () => Promise<void>,
  ) {}

  write(batch: AuditBatch): Promise<WriteResult> {
    return this.track(() =>
      this.dedup.exclusive(async () => {
        try {
          const events = await this.unstored(this.dedup.events, uniqueBy(batch.events, (r) => r.event_id), (rows) => this.storedEventIds(rows));
          const calls = await this.unstored(this.dedup.calls, uniqueBy(batch.calls, (r) => r.request_id), (rows) => this.storedCallIds(rows));
          await insertTracked(this.dedup.events, events, (rows) => this.writer.insertEvents(rows));
          await insertTracked(this.dedup.calls, calls, (rows) => this.writer.insertCalls(rows));
          const duplicates = batch.events.length + batch.calls.length - events.length - calls.length;
          return { events: events.length, calls: calls.length, duplicates };
        } catch (err) {
          const rows = batch.events.length + batch.calls.length;
          throw new AuditError('SLUICE_AUDIT_WRITE_FAILED', `storing ${rows} audit rows failed: ${messageOf(err)}`, { cause: err });
        }
      }),
    );
  }

  prepare(batch: AuditBatch): void {
    this.writer.prepare(batch);
  }

  query(sql: string, options: QueryOptions = {}): Promise<string> {
    return this.track(() => this.reads.query(sql, options));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      await this.release();
    })();
    return this.closing;
  }

  /**
   * The distinct rows not stored yet: those the dedup state knows stored are dropped, those it cannot vouch for are
   * looked up (and the ones found remembered).
   */
  private async unstored<Row>(ids: StoredIds<Row>, rows: Row[], lookUp: (rows: Row[]) => Promise<Row[]>): Promise<Row[]> {
    const { unstored, unsure } = ids.classify(rows);
    if (unsure.length === 0) return unstored;
    const found = new Set(await lookUp(unsure));
    ids.remember([...found]);
    for (const row of unsure) if (!found.has(row)) unstored.push(row);
    return unstored;
  }

  /** Those of the event rows whose ids are stored; the time bound lets ClickHouse skip other months and granules. */
  private async storedEventIds(rows: EventRow[]): Promise<EventRow[]> {
    const times = rows.map((r) => r.time).sort();
    const stored = await this.storedIds(
      `SELECT event_id AS id FROM sluice.events
       WHERE time BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')} AND event_id IN {ids:Array(String)}`,
      { ids: rows.map((r) => r.event_id), from: times[0], to: times[times.length - 1] },
    );
    return rows.filter((r) => stored.has(r.event_id));
  }

  private async storedCallIds(rows: CallRow[]): Promise<CallRow[]> {
    const stored = await this.storedIds('SELECT request_id AS id FROM sluice.calls WHERE request_id IN {ids:Array(String)}', {
      ids: rows.map((r) => r.request_id),
    });
    return rows.filter((r) => stored.has(r.request_id));
  }

  private async storedIds(query: string, params: Record<string, unknown>): Promise<Set<string>> {
    const result = await this.client.query({ query, format: 'JSONEachRow', query_params: params });
    const rows = await result.json<{ id: string }>();
    return new Set(rows.map((r) => r.id));
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new AuditError('SLUICE_AUDIT_STORE_CLOSED', 'the audit store is closed'));
    const running = operation();
    this.inFlight.add(running);
    void running.then(
      () => this.inFlight.delete(running),
      () => this.inFlight.delete(running),
    );
    return running;
  }
}

/** Inserts rows and records them stored; after a failure they may be stored or not, and are looked up next time. */
async function insertTracked<Row>(ids: StoredIds<Row>, rows: readonly Row[], insert: (rows: readonly Row[]) => Promise<void>): Promise<void> {
  if (rows.length === 0) return;
  try {
    await insert(rows);
  } catch (err) {
    ids.distrust(rows);
    throw err;
  }
  ids.remember(rows);
}

/** The rows with the first occurrence of each key. */
function uniqueBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const k = key(row);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
