import { resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { startIsRequestTime, type CallRow } from '../rows/call-row.js';
import type { EventRow } from '../rows/event-row.js';
import { StoredIds } from './stored-ids.js';

/** How many ids of each table the store remembers (about 25 s of a gateway at 500 calls/s; a few MB). */
export const REMEMBERED_IDS = { events: 65_536, calls: 16_384 } as const;

/** The latest time of each table when the store opened: `''` when empty, `null` when unknown (shared server). */
export interface Watermarks {
  events: string | null;
  calls: string | null;
}

/**
 * What one writer knows of the stored ids of both tables (see {@link StoredIds}), and the queue that makes its
 * writes run one at a time, so a row checked as not stored is inserted before the next write checks it again.
 */
export class DedupState {
  readonly events: StoredIds<EventRow>;
  readonly calls: StoredIds<CallRow>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(watermarks: Watermarks, capacity: { events: number; calls: number } = REMEMBERED_IDS) {
    this.events = new StoredIds<EventRow>((r) => r.event_id, (r) => r.time, watermarks.events, capacity.events);
    // A row whose start is not its request's cannot be vouched for by time (`''` is never above a watermark).
    this.calls = new StoredIds<CallRow>((r) => r.request_id, (r) => (startIsRequestTime(r) ? r.started_at : ''), watermarks.calls, capacity.calls);
  }

  /** Runs `work` after every write queued before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => {});
    return run;
  }
}

/** The latest `time` of `sluice.events` and `started_at` of `sluice.calls`, read from the parts' min/max indexes. */
export async function readWatermarks(client: ClickHouseClient): Promise<Watermarks> {
  const result = await client.query({
    query: `SELECT 'events' AS t, count() AS n, toString(max(time)) AS last FROM sluice.events
            UNION ALL
            SELECT 'calls' AS t, count() AS n, toString(max(started_at)) AS last FROM sluice.calls`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ t: string; n: string | number; last: string }>();
  const latest = (table: string): string => {
    const row = rows.find((r) => r.t === table);
    if (!row) throw new Error(`no watermark row for sluice.${table}`);
    return Number(row.n) === 0 ? '' : row.last;
  };
  return { events: latest('events'), calls: latest('calls') };
}

interface Shared {
  refs: number;
  state: Promise<DedupState>;
}

const byDirectory = new Map<string, Shared>();

/**
 * The dedup state of a chDB data directory, shared by every store this process opens on it (the engine lets one
 * process at a time open a directory, so these stores are its only writers). The first opener reads the
 * watermarks; the state is dropped when the last one releases it, since another process may write the directory
 * after that.
 */
export async function sharedDedupState(path: string, client: ClickHouseClient): Promise<{ state: DedupState; release(): void }> {
  const key = resolve(path);
  let shared = byDirectory.get(key);
  if (!shared) {
    const created: Shared = { refs: 0, state: readWatermarks(client).then((w) => new DedupState(w)) };
    byDirectory.set(key, created);
    created.state.catch(() => {
      if (byDirectory.get(key) === created) byDirectory.delete(key);
    });
    shared = created;
  }
  shared.refs++;
  const held = shared;
  const release = (): void => {
    if (--held.refs === 0 && byDirectory.get(key) === held) byDirectory.delete(key);
  };
  try {
    return { state: await held.state, release };
  } catch (err) {
    release();
    throw err;
  }
}
