import { SluiceError } from '@sluice/core';

/**
 * Every error code the admin server and the `sluice` command raise: whether retrying can help, what it means, and
 * (for answers of the admin port) the HTTP status.
 */
export const ADMIN_ERRORS = {
  SLUICE_ADMIN_UNAUTHORIZED: {
    retriable: false,
    wire: { status: 401 },
    description:
      'The request has no `Authorization: Bearer` header, or its token is neither the admin token nor a JWT that verifies against `admin.oauth` (signature, issuer, audience, expiry); every admin endpoint but /healthz and /readyz (and /metrics with `admin.metrics: open`) needs one.',
  },
  SLUICE_ADMIN_ROLE_MISSING: {
    retriable: false,
    wire: { status: 403 },
    description: 'The JWT verifies but holds neither the `admin` nor the `auditor` role in the claim `admin.oauth.claims.roles`.',
  },
  SLUICE_ADMIN_TENANT_MISSING: {
    retriable: false,
    wire: { status: 403 },
    description: 'An `auditor` JWT does not name its tenant in the claim `admin.oauth.claims.tenant`, so there is no tenant to scope its SQL to.',
  },
  SLUICE_ADMIN_ROLE_FORBIDDEN: {
    retriable: false,
    wire: { status: 403 },
    description: 'The `auditor` role may call only `POST /admin/sql`; /metrics and the rest need the admin token or the `admin` role.',
  },
  SLUICE_ADMIN_AUTH_UNAVAILABLE: {
    retriable: true,
    wire: { status: 503 },
    description: 'The JWKS of `admin.oauth` could not be fetched, so the JWT could not be checked; retry.',
  },
  SLUICE_ADMIN_AUTH_CONFIG: {
    retriable: false,
    wire: null,
    description: '`admin.oauth.jwksFile` cannot be read or is not JSON; the admin port does not start.',
  },
  SLUICE_ADMIN_HOST_FORBIDDEN: {
    retriable: false,
    wire: { status: 403 },
    description: 'The Host header is not a name the admin listener answers as (a loopback name with the admin port, or one of admin.allowedHosts): DNS rebinding.',
  },
  SLUICE_ADMIN_ORIGIN_FORBIDDEN: {
    retriable: false,
    wire: { status: 403 },
    description: 'The request carries an Origin header (a browser page) not listed in admin.allowedOrigins.',
  },
  SLUICE_ADMIN_NOT_FOUND: { retriable: false, wire: { status: 404 }, description: 'No admin endpoint has this path.' },
  SLUICE_ADMIN_METHOD_NOT_ALLOWED: { retriable: false, wire: { status: 405 }, description: 'The endpoint exists but not with this HTTP method.' },
  SLUICE_ADMIN_SQL_EMPTY: { retriable: false, wire: { status: 400 }, description: 'The body of POST /admin/sql is empty.' },
  SLUICE_ADMIN_SQL_TOO_LARGE: { retriable: false, wire: { status: 413 }, description: 'The body of POST /admin/sql is over 64 KiB.' },
  SLUICE_ADMIN_NO_AUDIT_STORE: {
    retriable: false,
    wire: { status: 503 },
    description: 'This process runs no audit sink and the audit store is not a ClickHouse server: ask the process running the audit-sink role.',
  },
  SLUICE_ADMIN_INTERNAL: { retriable: true, wire: { status: 500 }, description: 'An unexpected failure while answering an admin request.' },
  SLUICE_ADMIN_TOKEN_UNREADABLE: {
    retriable: false,
    wire: null,
    description: 'The admin token file cannot be read or made (missing admin.tokenFile, no permission on the data directory), or holds no valid token.',
  },
  SLUICE_ADMIN_TOKEN_FILE_UNSAFE: {
    retriable: false,
    wire: null,
    description: 'The admin token file is readable or writable by group or others; the gateway refuses it until it is mode 0600 (chmod 600).',
  },
  SLUICE_TRACE_USAGE: {
    retriable: false,
    wire: null,
    description:
      '`sluice trace` was given an id that is neither a request id (a UUID) nor a session id (hex), an option out of range, or a configuration or token file it cannot use (exit 2).',
  },
  SLUICE_TRACE_NOT_FOUND: {
    retriable: true,
    wire: null,
    description: 'The audit store holds no event of the request or session `sluice trace` was asked for; events reach it a moment after they happen (exit 1).',
  },
  SLUICE_TRACE_ADMIN_UNREACHABLE: {
    retriable: true,
    wire: null,
    description: '`sluice trace` could not connect to the admin port, or it did not answer in time (exit 3).',
  },
  SLUICE_TRACE_ADMIN_REFUSED: {
    retriable: false,
    wire: null,
    description:
      'The admin port refused the statements of `sluice trace`: 401 the token is missing or wrong, 403 the Host (or Origin) is not allowed, or the audit store answered an error (exit 3).',
  },
} as const satisfies Record<string, { retriable: boolean; wire: { status: number } | null; description: string }>;

/** One of {@link ADMIN_ERRORS}. */
export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/** An error raised by the admin server or at start; branch on `code`. */
export class AdminError extends SluiceError {
  declare readonly code: AdminErrorCode;
  constructor(code: AdminErrorCode, message: string, cause?: unknown) {
    super(code, message, { retriable: ADMIN_ERRORS[code].retriable, cause });
    this.name = 'AdminError';
  }
}
