import { AdminError } from '../errors.js';
import type { AuditRow, SqlClient } from './admin-client.js';
import { idLiteral, type TraceTarget } from './target.js';

/** One client request: its `sluice.calls` row (null while unanswered, or for a notification) and its events. */
export interface TracedRequest {
  request_id: string;
  call: AuditRow | null;
  /** Its `sluice.events` rows in time order. */
  events: AuditRow[];
}

/** A request's or a session's story, with every row as `/admin/sql` answers it. */
export interface Trace {
  kind: 'request' | 'session';
  /** The session the request belongs to, or the session traced; null for a request outside any session. */
  session_id: string | null;
  /** The requests shown, in the order they started (at most `limit`). */
  requests: TracedRequest[];
  /** Events of the session that belong to no request (`session.opened`, `session.closed`). */
  session_events: AuditRow[];
  /** Requests the audit has for the target; more than `requests.length` when the limit cut them. */
  total_requests: number;
  limit: number;
}

const EVENT_ORDER = 'ORDER BY time, event_id';

/** Reads the target's rows from the audit store; SLUICE_TRACE_NOT_FOUND when it holds none. */
export async function fetchTrace(sql: SqlClient, target: TraceTarget, limit: number): Promise<Trace> {
  return target.kind === 'request' ? fetchRequest(sql, target.id) : fetchSession(sql, await sessionOf(sql, target), limit);
}

async function fetchRequest(sql: SqlClient, id: string): Promise<Trace> {
  const literal = idLiteral(id);
  const [events, calls] = await Promise.all([
    sql(`SELECT * FROM sluice.events WHERE request_id = ${literal} ${EVENT_ORDER}`),
    sql(`SELECT * FROM sluice.calls WHERE request_id = ${literal} ORDER BY finished_at, event_id`),
  ]);
  if (events.length === 0 && calls.length === 0) throw notFound(`no request ${id}`);
  const session = events.find((e) => typeof e.session_id === 'string')?.session_id ?? calls[0]?.session_id ?? null;
  return {
    kind: 'request',
    session_id: typeof session === 'string' ? session : null,
    requests: [{ request_id: id, call: calls[0] ?? null, events }],
    session_events: [],
    total_requests: 1,
    limit: 1,
  };
}

/** The session id to trace: the one given, or the session of the request given. */
async function sessionOf(sql: SqlClient, target: TraceTarget): Promise<string> {
  if (target.shape === 'hex') return target.id;
  const rows = await sql(
    `SELECT session_id FROM sluice.events WHERE request_id = ${idLiteral(target.id)} AND session_id IS NOT NULL LIMIT 1`,
  );
  const session = rows[0]?.session_id;
  if (typeof session !== 'string') throw notFound(`no request ${target.id} in a session`);
  return session;
}

async function fetchSession(sql: SqlClient, session: string, limit: number): Promise<Trace> {
  const where = `session_id = ${idLiteral(session)}`;
  const [counts, page] = await Promise.all([
    sql(`SELECT count() AS events, uniqExact(request_id) AS requests FROM sluice.events WHERE ${where}`),
    sql(
      `SELECT request_id, min(time) AS first FROM sluice.events WHERE ${where} AND request_id IS NOT NULL ` +
        `GROUP BY request_id ORDER BY first, request_id LIMIT ${limit}`,
    ),
  ]);
  if (Number(counts[0]?.events ?? 0) === 0) throw notFound(`no session with this id`);
  const ids = page.map((row) => String(row.request_id));
  // The ids come from the store, yet go through the same shape check as the one given before becoming literals.
  const list = ids.map(idLiteral).join(', ');
  const [events, calls] = await Promise.all([
    sql(`SELECT * FROM sluice.events WHERE ${where} AND (request_id IS NULL${list ? ` OR request_id IN (${list})` : ''}) ${EVENT_ORDER}`),
    list ? sql(`SELECT * FROM sluice.calls WHERE request_id IN (${list}) ORDER BY started_at, request_id, finished_at`) : Promise.resolve([]),
  ]);
  const requests = ids.map((id): TracedRequest => ({
    request_id: id,
    call: calls.find((c) => c.request_id === id) ?? null,
    events: events.filter((e) => e.request_id === id),
  }));
  return {
    kind: 'session',
    session_id: session,
    requests,
    session_events: events.filter((e) => e.request_id === null),
    total_requests: Number(counts[0]?.requests ?? ids.length),
    limit,
  };
}

function notFound(what: string): AdminError {
  return new AdminError('SLUICE_TRACE_NOT_FOUND', `${what} in the audit store (events reach it a moment after they happen)`);
}
