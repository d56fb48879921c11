import type { CallRow } from './call-row.js';
import type { EventRow } from './event-row.js';
import { TextBuffer } from './text-buffer.js';

/** Columns of `sluice.events`, in the order {@link encodeEventRows} writes them. */
export const EVENT_COLUMNS = [
  'event_id',
  'type',
  'schema_version',
  'time',
  'tenant',
  'principal_user',
  'agent',
  'roles',
  'session_id',
  'request_id',
  'ingress_node',
  'traceparent',
  'topic',
  'partition',
  'offset',
  'payload',
  'message',
] as const satisfies ReadonlyArray<keyof EventRow>;

/** Columns of `sluice.calls`, in the order {@link encodeCallRows} writes them. */
export const CALL_COLUMNS = [
  'request_id',
  'event_id',
  'jsonrpc_id',
  'session_id',
  'tenant',
  'principal_user',
  'agent',
  'server',
  'tool',
  'method',
  'started_at',
  'finished_at',
  'latency_ms',
  'outcome',
  'error_code',
  'policy_revision',
  'request_bytes',
  'response_bytes',
] as const satisfies ReadonlyArray<keyof CallRow>;

/**
 * Event rows as JSONCompactEachRow text, one JSON array per line in {@link EVENT_COLUMNS} order, written into `into`
 * (the result is a view of it, valid until its next use). Without the column names on every row the text is
 * shorter, and ClickHouse parses it faster than JSONEachRow (about 8 against 10–13 µs per row of a 1 KB call).
 */
export function encodeEventRows(rows: readonly EventRow[], into: TextBuffer = new TextBuffer()): Buffer {
  into.reset();
  for (const r of rows) {
    into.line(
      JSON.stringify([
        r.event_id,
        r.type,
        r.schema_version,
        r.time,
        r.tenant,
        r.principal_user,
        r.agent,
        r.roles,
        r.session_id,
        r.request_id,
        r.ingress_node,
        r.traceparent,
        r.topic,
        r.partition,
        r.offset,
        r.payload,
        r.message,
      ]),
    );
  }
  return into.view();
}

/** Call rows as JSONCompactEachRow text, one JSON array per line in {@link CALL_COLUMNS} order, as above. */
export function encodeCallRows(rows: readonly CallRow[], into: TextBuffer = new TextBuffer()): Buffer {
  into.reset();
  for (const r of rows) {
    into.line(
      JSON.stringify([
        r.request_id,
        r.event_id,
        r.jsonrpc_id,
        r.session_id,
        r.tenant,
        r.principal_user,
        r.agent,
        r.server,
        r.tool,
        r.method,
        r.started_at,
        r.finished_at,
        r.latency_ms,
        r.outcome,
        r.error_code,
        r.policy_revision,
        r.request_bytes,
        r.response_bytes,
      ]),
    );
  }
  return into.view();
}
