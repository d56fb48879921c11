import { AdminError } from '../errors.js';

/** What `sluice trace` was asked for. */
export interface TraceTarget {
  /** `request`: one client request; `session`: every request of a session. */
  kind: 'request' | 'session';
  /** The id given, lower-cased: a request id, or (for `session`) a session id or the id of a request in it. */
  id: string;
  /** How `id` reads: a UUID (a request id) or hex (a session id). */
  shape: 'uuid' | 'hex';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-f]{16,128}$/;

/**
 * Reads the id given to `sluice trace`. Request ids are UUIDs (the gateway makes UUIDv7s) and session ids are hex
 * (64 characters from this gateway's ingress). Anything else is refused here, before it reaches SQL: `/admin/sql`
 * takes no query parameters, so ids go into the statements as literals, and only these two shapes (hex digits and
 * dashes, nothing that can end or escape a string) ever get there. A UUID is a request unless `session` is set
 * (then the session it belongs to is traced); hex is a session.
 */
export function parseTarget(raw: string, session: boolean): TraceTarget {
  const id = raw.trim().toLowerCase();
  if (UUID.test(id)) return { kind: session ? 'session' : 'request', id, shape: 'uuid' };
  if (HEX.test(id)) return { kind: 'session', id, shape: 'hex' };
  throw new AdminError(
    'SLUICE_TRACE_USAGE',
    `${JSON.stringify(raw.slice(0, 80))} is neither a request id (a UUID) nor a session id (16 to 128 hex digits)`,
  );
}

/** `id` as a SQL string literal; only ids of the shapes {@link parseTarget} accepts, so nothing needs escaping. */
export function idLiteral(id: string): string {
  if (!UUID.test(id) && !HEX.test(id)) throw new AdminError('SLUICE_TRACE_USAGE', `refusing to put ${JSON.stringify(id.slice(0, 80))} into SQL`);
  return `'${id}'`;
}
