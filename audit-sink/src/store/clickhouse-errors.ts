import { AuditError } from '../errors.js';

/** ClickHouse's code for a statement refused because the query runs with `readonly=1`. */
const READONLY = '164';

/** ClickHouse codes that say the server is short of something, not that the SQL is wrong. */
const TRANSIENT = new Set([
  '159', // TIMEOUT_EXCEEDED
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
]);

/** The numeric ClickHouse error code an error carries, if it is a ClickHouse error. */
export function clickHouseCode(err: unknown): string | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^\d+$/.test(code) ? code : null;
}

/** Text of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a failed admin query means to its caller. */
export function queryError(err: unknown): AuditError {
  const code = clickHouseCode(err);
  const message = messageOf(err).trim();
  if (code === READONLY) return new AuditError('SLUICE_AUDIT_SQL_NOT_READ_ONLY', `ClickHouse refused a write: ${message}`, { cause: err });
  if (code !== null && !TRANSIENT.has(code)) return new AuditError('SLUICE_AUDIT_SQL_INVALID', message, { cause: err });
  return new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `the audit store could not answer: ${message}`, { cause: err });
}
