import type { ClickHouseClient } from '@clickhouse/client';
import type { CallRow } from '../rows/call-row.js';
import type { AuditBatch } from '../rows/audit-batch.js';
import { CALL_COLUMNS, EVENT_COLUMNS, encodeCallRows, encodeEventRows, prepareLines } from '../rows/compact-rows.js';
import type { EventRow } from '../rows/event-row.js';
import { TextBuffer } from '../rows/text-buffer.js';
import { lowerEngineThreads } from './engine-priority.js';

/** Inserts rows of the two audit tables. */
export interface RowWriter {
  insertEvents(rows: readonly EventRow[]): Promise<void>;
  insertCalls(rows: readonly CallRow[]): Promise<void>;
  /** Readies rows for a later insert (see `AuditStore.prepare`). */
  prepare(batch: AuditBatch): void;
}

/** chDB's passthrough insert: the text is handed to the engine as bytes, without the client's copies. */
export type RawInsert = (params: {
  table: string;
  columns: readonly string[];
  values: Buffer;
  format: 'JSONCompactEachRow';
  settings: Record<string, number>;
}) => Promise<unknown>;

/**
 * Settings of every chDB insert. Parallel parsing splits the text across threads, which on batches of a few thousand
 * rows costs more CPU in coordination than it saves (about 20% of the engine's parse time here). chDB turns
 * `async_insert` on by default, which queues the rows and writes the part from a background thread; the sink
 * batches already, and writing the part in the insert itself took about 15% less CPU.
 */
export const CHDB_INSERT_SETTINGS: Readonly<Record<string, number>> = { input_format_parallel_parsing: 0, async_insert: 0 };

/** Rows as JSONEachRow objects through `@clickhouse/client`, for a ClickHouse server. */
export function clientRowWriter(client: ClickHouseClient): RowWriter {
  return {
    insertEvents: async (rows) => void (await client.insert({ table: 'sluice.events', values: rows as EventRow[], format: 'JSONEachRow' })),
    insertCalls: async (rows) => void (await client.insert({ table: 'sluice.calls', values: rows as CallRow[], format: 'JSONEachRow' })),
    // The client encodes the rows itself, in the insert.
    prepare: () => {},
  };
}

/**
 * Rows as JSONCompactEachRow text through chDB's passthrough insert: each row is written once, as UTF-8, into a
 * buffer the writer reuses, and the engine reads it in place; the client path encodes, joins and concatenates the
 * text, and the engine then copies it. The caller must not start an insert before the previous one settled (the
 * store runs its writes one at a time), since the next one reuses the buffer the engine may still be reading. The
 * engine's threads run at the lowest priority (`lowerEngineThreads`).
 */
export function chdbRowWriter(rawInsert: RawInsert): RowWriter {
  const eventText = new TextBuffer();
  const callText = new TextBuffer();
  const insert = async (table: string, columns: readonly string[], values: Buffer): Promise<unknown> => {
    try {
      return await rawInsert({ table, columns, values, format: 'JSONCompactEachRow', settings: { ...CHDB_INSERT_SETTINGS } });
    } finally {
      // The engine starts threads as it needs them: after each insert, put any new one behind the gateway's work.
      lowerEngineThreads();
    }
  };
  return {
    insertEvents: async (rows) => void (await insert('sluice.events', EVENT_COLUMNS, encodeEventRows(rows, eventText))),
    insertCalls: async (rows) => void (await insert('sluice.calls', CALL_COLUMNS, encodeCallRows(rows, callText))),
    prepare: prepareLines,
  };
}
