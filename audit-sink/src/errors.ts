import { SluiceError } from '@sluice/core';

/** Every error code the audit sink and store raise: what it means and whether retrying the same call can help. */
export const AUDIT_ERRORS = {
  SLUICE_AUDIT_SQL_NOT_READ_ONLY: {
    retriable: false,
    description:
      'The SQL is not exactly one read statement (SELECT, WITH, UNION, DESCRIBE, SHOW TABLES, EXISTS TABLE), or it writes (INTO OUTFILE).',
  },
  SLUICE_AUDIT_SQL_INVALID: {
    retriable: false,
    description: 'ClickHouse rejected the SQL (syntax, unknown table or column, type mismatch); the message is ClickHouse\'s.',
  },
  SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED: {
    retriable: false,
    description: 'The SQL reads a table or database outside `sluice`, or (for an auditor) a table of `sluice` without a `tenant` column; the message names it.',
  },
  SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED: {
    retriable: false,
    description:
      'The SQL calls a table function other than numbers, zeros, values or generateSeries, or a function that reaches files, the network, dictionaries or server state; the message names it.',
  },
  SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED: {
    retriable: false,
    description: 'The SQL has a clause the endpoint does not run: SETTINGS, FORMAT, a query parameter, or names it cannot check.',
  },
  SLUICE_AUDIT_SQL_LIMIT_EXCEEDED: {
    retriable: false,
    description: 'The statement ran past a limit of `audit.sql` (time, memory, result rows or bytes) and was stopped.',
  },
  SLUICE_AUDIT_SQL_CANCELLED: {
    retriable: true,
    description: 'The caller went away before the answer, so the statement was stopped.',
  },
  SLUICE_AUDIT_DISABLED: {
    retriable: false,
    description: 'The audit store is configured off (`audit.kind: off`), so there is nothing to query.',
  },
  SLUICE_AUDIT_STORE_LOCKED: {
    retriable: false,
    description: 'Another process has the chDB data directory open; only one process may open a path at a time.',
  },
  SLUICE_AUDIT_STORE_UNAVAILABLE: {
    retriable: true,
    description: 'The store could not be opened or reached (server down, chDB engine busy with another path).',
  },
  SLUICE_AUDIT_MIGRATION_FAILED: {
    retriable: false,
    description: 'Creating the `sluice` database or its tables failed; the store was not opened.',
  },
  SLUICE_AUDIT_WRITE_FAILED: {
    retriable: true,
    description: 'Storing a batch of rows failed; the records are delivered again and written then.',
  },
  SLUICE_AUDIT_STORE_CLOSED: {
    retriable: false,
    description: 'The store or the sink was used after it was closed.',
  },
} as const satisfies Record<string, { retriable: boolean; description: string }>;

/** One of {@link AUDIT_ERRORS}. */
export type AuditErrorCode = keyof typeof AUDIT_ERRORS;

/** An audit sink or store error; branch on `code`, retry when `retriable`. */
export class AuditError extends SluiceError {
  declare readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retriable: AUDIT_ERRORS[code].retriable, cause: options.cause });
    this.name = 'AuditError';
  }
}

/** True when `err` is an audit error, of `code` when one is given. */
export function isAuditError(err: unknown, code?: AuditErrorCode): err is AuditError {
  if (typeof err !== 'object' || err === null) return false;
  const found = (err as { code?: unknown }).code;
  return typeof found === 'string' && found in AUDIT_ERRORS && (code === undefined || found === code);
}
