import type { AuditConfig } from '@sluice/core';
import type { AuditBatch } from '../rows/audit-batch.js';

/** How many rows a write stored, and how many it skipped because they were stored before. */
export interface WriteResult {
  events: number;
  calls: number;
  duplicates: number;
}

/** Options of one admin statement. */
export interface QueryOptions {
  /** Aborting stops the statement (the caller went away) and rejects with `SLUICE_AUDIT_SQL_CANCELLED`. */
  signal?: AbortSignal;
  /**
   * Read only this tenant's rows: the engine filters every read of a table of `sluice` to them (`tenant = …`), and a
   * statement naming a table without a tenant column is refused. Absent: every row.
   */
  tenant?: string;
}

/** The audit store: ClickHouse over a server or the embedded chDB engine, behind one interface. */
export interface AuditStore {
  readonly kind: AuditConfig['kind'];
  /**
   * Stores the rows whose ids (`event_id`, or `request_id` for calls) are not stored yet, so writing the same
   * rows again adds nothing. Resolves once they are stored.
   */
  write(batch: AuditBatch): Promise<WriteResult>;
  /**
   * Does now the per-row work a later `write` of these rows would do (on chDB, their text), so that work is spread
   * over the rows' arrival instead of done at once in the write. Optional for correctness: `write` does what was not.
   */
  prepare(batch: AuditBatch): void;
  /**
   * Runs exactly one read statement over the `sluice` tables, within the limits of `audit.sql`, and answers its rows
   * as JSONEachRow text (one JSON object per line). Other SQL is refused with a `SLUICE_AUDIT_SQL_*` code that says
   * why (not a read, another table, a refused function, a clause, a limit); SQL ClickHouse refuses gets
   * `SLUICE_AUDIT_SQL_INVALID` carrying ClickHouse's message.
   */
  query(sql: string, options?: QueryOptions): Promise<string>;
  /** Waits for operations in flight and releases the store; later calls fail with `SLUICE_AUDIT_STORE_CLOSED`. */
  close(): Promise<void>;
}
