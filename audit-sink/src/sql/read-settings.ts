import type { AuditSqlLimits } from '@sluice/core';

/**
 * The engine settings every admin statement runs with. `readonly=1` forbids writes, DDL and any change of settings,
 * the statement's own `SETTINGS` clause included, so a statement cannot lift these limits.
 */
export function readSettings(limits: AuditSqlLimits): Record<string, string> {
  return {
    max_execution_time: String(limits.maxExecutionMs / 1000),
    timeout_overflow_mode: 'throw',
    max_memory_usage: String(limits.maxMemoryBytes),
    max_result_rows: String(limits.maxResultRows),
    max_result_bytes: String(limits.maxResultBytes),
    result_overflow_mode: 'throw',
    max_threads: String(limits.maxThreads),
    readonly: '1',
  };
}
