import { AdminError } from '../errors.js';

/** One row as `/admin/sql` answers it (a JSON line). */
export type AuditRow = Record<string, unknown>;

/** Where the admin port is and how to authenticate to it. */
export interface AdminTarget {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: URL;
  /** The bearer token; null sends none (`admin.auth: none`). */
  token: string | null;
  /** Longest one statement may take, answer included. */
  timeoutMs: number;
}

/** Runs read statements on the admin port's `POST /admin/sql`. */
export type SqlClient = (statement: string) => Promise<AuditRow[]>;

/**
 * A client of `POST /admin/sql`. Failures are AdminErrors that say which: SLUICE_TRACE_ADMIN_UNREACHABLE (no
 * connection, timeout) or SLUICE_TRACE_ADMIN_REFUSED (401: token; 403: Host or Origin; else the audit's own error).
 * The token is sent only in the Authorization header and appears in no message.
 */
export function sqlClient(target: AdminTarget): SqlClient {
  const endpoint = new URL('/admin/sql', target.url);
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (target.token !== null) headers.authorization = `Bearer ${target.token}`;
  return async (statement) => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(endpoint, { method: 'POST', body: statement, headers, redirect: 'error', signal: AbortSignal.timeout(target.timeoutMs) });
      text = await res.text();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new AdminError('SLUICE_TRACE_ADMIN_UNREACHABLE', `cannot reach the admin port at ${target.url.origin}: ${cause}`, err);
    }
    if (res.status !== 200) throw refused(res.status, text, target);
    try {
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as AuditRow);
    } catch (err) {
      throw new AdminError('SLUICE_TRACE_ADMIN_REFUSED', `the admin port at ${target.url.origin} answered something other than JSON lines`, err);
    }
  };
}

function refused(status: number, body: string, target: AdminTarget): AdminError {
  const error = errorOf(body);
  const detail = error ? `${error.code}: ${error.message}` : body.slice(0, 200);
  const origin = target.url.origin;
  switch (status) {
    case 401:
      return new AdminError(
        'SLUICE_TRACE_ADMIN_REFUSED',
        target.token === null
          ? `the admin port at ${origin} wants a token (401): give --token-file, or --config with the gateway's configuration`
          : `the admin port at ${origin} refused the token (401): it is not the gateway's admin token`,
      );
    case 403:
      return new AdminError(
        'SLUICE_TRACE_ADMIN_REFUSED',
        `the admin port at ${origin} refused the request (403, ${detail}): call it by a loopback address or a name in admin.allowedHosts`,
      );
    default:
      return new AdminError('SLUICE_TRACE_ADMIN_REFUSED', `the admin port at ${origin} answered ${status}: ${detail}`);
  }
}

function errorOf(body: string): { code: string; message: string } | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
  } catch {
    return null;
  }
}
