import { AuditError } from '../errors.js';

/** The error of an answer larger than `audit.sql.maxResultBytes`. */
export function resultTooLarge(maxBytes: number): AuditError {
  return new AuditError('SLUICE_AUDIT_SQL_LIMIT_EXCEEDED', `the answer is over audit.sql.maxResultBytes (${maxBytes} bytes): add a LIMIT or aggregate`);
}
