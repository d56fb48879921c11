import type { AuditSqlLimits } from '@sluice/core';

/**
 * The engine settings every admin statement runs with. `readonly=1` forbids writes, DDL and any change of settings,
 * the statement's own `SETTINGS` clause included, so a statement cannot lift these limits. The result limits apply
 * to the caller's statement only, not to the look-ups that check it (`ownResult: false`).
 */
export function readSettings(limits: AuditSqlLimits, ownResult: boolean): Record<string, string> {
  const result: Record<string, string> = ownResult ? { max_result_rows: String(limits.maxResultRows), max_result_bytes: String(limits.maxResultBytes) } : {};
  return {
    max_execution_time: String(limits.maxExecutionMs / 1000),
    timeout_overflow_mode: 'throw',
    max_memory_usage: String(limits.maxMemoryBytes),
    ...result,
    result_overflow_mode: 'throw',
    max_threads: String(limits.maxThreads),
    readonly: '1',
  };
}
