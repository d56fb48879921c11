/** How one statement runs on a {@link ReadEngine}. */
export interface ReadOptions {
  /** Output format of the answer. */
  format: 'TabSeparatedRaw' | 'JSONEachRow';
  /** Values bound to `{name:String}` placeholders: they reach the engine as data, never as SQL. */
  params?: Record<string, string>;
  /** Run with `sluice` as the current database, so unqualified names resolve there. */
  inSluice?: boolean;
  /** The caller's own statement, to which the result limits apply (not so the look-ups that check it). */
  caller?: boolean;
  /** Read the answer as it is produced (SELECT only) and stop the statement between chunks when told or too large. */
  stream?: boolean;
  /**
   * Value of the engine setting `additional_table_filters` (a map of table to filter), set with the read limits so
   * `readonly=1` keeps the statement from changing it.
   */
  tableFilters?: string;
  /** Stops the statement (for a streamed one, at the next chunk; otherwise the answer is dropped). */
  signal?: AbortSignal;
}

/**
 * Runs single statements for `POST /admin/sql`, each on a connection or session of its own with the read limits
 * (`readonly=1`, time, memory, result size, threads), so nothing one statement sets or leaves behind reaches another.
 * Answers the statement's output as text; rejects with the engine's error, or `SLUICE_AUDIT_SQL_LIMIT_EXCEEDED` when
 * the text passes `audit.sql.maxResultBytes`.
 */
export interface ReadEngine {
  run(query: string, options: ReadOptions): Promise<string>;
  /** Frees what the engine holds; statements still running end on their own limits. */
  close(): Promise<void>;
}
