import { AuditError, isAuditError } from '../errors.js';
import { clickHouseCode, messageOf } from '../store/clickhouse-errors.js';

/** ClickHouse's code for a statement refused because it runs with `readonly=1`. */
const READONLY = '164';
const SYNTAX_ERROR = '62';

/** ClickHouse codes of a statement stopped by one of its limits. */
const LIMITS = new Set([
  '158', // TOO_MANY_ROWS
  '159', // TIMEOUT_EXCEEDED
  '160', // TOO_SLOW
  '241', // MEMORY_LIMIT_EXCEEDED
  '396', // TOO_MANY_ROWS_OR_BYTES
]);

/** ClickHouse codes that say the server is short of something, not that the SQL is wrong. */
const TRANSIENT = new Set([
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
]);

/** What a failed admin statement means to its caller. */
export function readError(err: unknown, signal?: AbortSignal): AuditError {
  if (isAuditError(err)) return err as AuditError;
  if (signal?.aborted) return new AuditError('SLUICE_AUDIT_SQL_CANCELLED', 'the caller went away: the statement was stopped', { cause: err });
  const code = clickHouseCode(err);
  const message = withoutScope(messageOf(err).trim());
  if (code === READONLY) return new AuditError('SLUICE_AUDIT_SQL_NOT_READ_ONLY', `ClickHouse refused it in read-only mode: ${message}`, { cause: err });
  if (code === SYNTAX_ERROR && message.includes('Multi-statements')) {
    return new AuditError('SLUICE_AUDIT_SQL_NOT_READ_ONLY', 'only one statement is allowed', { cause: err });
  }
  if (code !== null && LIMITS.has(code)) return new AuditError('SLUICE_AUDIT_SQL_LIMIT_EXCEEDED', `stopped by a limit of audit.sql: ${message}`, { cause: err });
  if (code !== null && !TRANSIENT.has(code)) return new AuditError('SLUICE_AUDIT_SQL_INVALID', message, { cause: err });
  return new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `the audit store could not answer: ${message}`, { cause: err });
}

/** The engine's message without its repeated code prefixes, version, and the wrapping query of a bound statement. */
function withoutScope(message: string): string {
  return message
    .replace(/Code: \d+\. DB::Exception: /g, '')
    .replace(/ \(version [^)]*\)/g, '')
    .replace(/[.:]? ?In scope SELECT formatQuerySingleLine\(.*$/s, '.');
}
