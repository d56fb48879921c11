import type { EventOf, Outcome, SluiceEvent } from '@sluice/schemas';
import { toDateTime64 } from './datetime.js';

/** One row of `sluice.calls`: the summary of one client request, from its terminal `backend.message`. */
export interface CallRow {
  request_id: string;
  /** Id of the terminal `backend.message` event this row was written from. */
  event_id: string;
  /** The JSON-RPC id, JSON-encoded. */
  jsonrpc_id: string | null;
  session_id: string | null;
  tenant: string;
  principal_user: string | null;
  agent: string | null;
  roles: string[];
  scopes: string[];
  environment: string | null;
  /** `oauth`, `api-key` or `none`; null in rows of events that did not record it. */
  auth_method: string | null;
  /** Id of the caller's credential (the JWT `jti`, or an API key id), never the credential. */
  token_id: string | null;
  server: string | null;
  tool: string | null;
  method: string | null;
  started_at: string;
  finished_at: string;
  latency_ms: number;
  outcome: Outcome;
  error_code: number | null;
  policy_revision: string | null;
  request_bytes: number;
  response_bytes: number;
}

/** Call rows whose reply named no request time, so their `started_at` is the reply's own time. */
const startFromReply = new WeakSet<CallRow>();

/**
 * True when a call row's `started_at` is its request's start, which every reply to the request carries (the router
 * copies the client message's time into it), so every row written for one request has the same `started_at`.
 */
export function startIsRequestTime(row: CallRow): boolean {
  return !startFromReply.has(row);
}

/** True for the `backend.message` that ends a client request (its response, error or denial). */
export function isTerminal(event: SluiceEvent): event is EventOf<'backend.message'> {
  return event.type === 'backend.message' && event.body.terminal;
}

/**
 * The `sluice.calls` row for a terminal `backend.message`, or null when it names no request. The request's start
 * falls back to the event time when the summary lacks it, and the latency to the difference of the two.
 */
export function toCallRow(event: EventOf<'backend.message'>): CallRow | null {
  if (event.requestId === null) return null;
  const body = event.body;
  const startedAt = body.requestTime ?? event.time;
  const row: CallRow = {
    request_id: event.requestId,
    event_id: event.id,
    jsonrpc_id: body.jsonrpcId,
    session_id: event.sessionId,
    tenant: event.tenant,
    principal_user: event.principal.user,
    agent: event.principal.agent,
    roles: event.principal.roles,
    scopes: event.principal.scopes,
    environment: event.principal.environment,
    auth_method: event.principal.authMethod,
    token_id: event.principal.tokenId,
    server: body.server,
    tool: body.tool,
    method: body.method,
    started_at: toDateTime64(startedAt),
    finished_at: toDateTime64(event.time),
    latency_ms: body.latencyMs ?? Math.max(0, event.time - startedAt),
    outcome: body.outcome ?? 'unknown',
    error_code: body.errorCode,
    policy_revision: body.policyRevision,
    request_bytes: clampUInt32(body.requestBytes ?? 0),
    response_bytes: clampUInt32(event.message?.byteLength ?? 0),
  };
  if (body.requestTime === null) startFromReply.add(row);
  return row;
}

function clampUInt32(n: number): number {
  return Math.min(Math.max(0, Math.trunc(n)), 0xffff_ffff);
}
