import { newEvent, uuidv7 } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import type { BodyResult, Exchange } from '../http/exchange.js';
import { isJsonContentType, negotiateResponseMode, type ResponseMode } from '../http/media.js';
import { isKnownMethod } from '../jsonrpc/methods.js';
import { parseClientMessage, type ClientMessage } from '../jsonrpc/parse-message.js';
import type { Session } from '../sessions/session-store.js';
import { checkOrigin, checkProtocolVersion, checkRunning, findSession, ownerOf } from './checks.js';
import { envelopeFor } from './envelope.js';
import { readInitializeParams } from './initialize-params.js';
import { TRANSPORT_NAME } from './protocol.js';
import { RequestFlight, type FlightHooks } from './request-flight.js';
import { recordSessionClosed } from './session-events.js';
import { asWireError, respondError, type ErrorReplyOptions } from './respond.js';
import { recordOutcome, type IngressRuntime } from './runtime.js';

/** A message that passed every check, ready to go on the bus. */
interface Accepted {
  exchange: Exchange;
  mode: ResponseMode;
  message: ClientMessage;
  bytes: Buffer;
  session: Session;
  principal: VerifiedPrincipal | null;
  startedAt: number;
}

/**
 * POST /mcp: headers are checked at once (Origin 403, Content-Type 415, Accept 406, MCP-Protocol-Version 400),
 * the body is read up to `maxBodyBytes` (413), parsed (400), its session found (400/404) and its method checked
 * (-32601); then its client.message is published and only then acknowledged (202) or answered.
 */
export function handlePost(rt: IngressRuntime, exchange: Exchange, principal: VerifiedPrincipal | null): void {
  const startedAt = performance.now();
  const { head } = exchange;
  const mode = negotiateResponseMode(head.accept);
  const refused =
    checkOrigin(rt, head) ??
    (isJsonContentType(head.contentType) ? null : new WireError('SLUICE_INGRESS_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: Content-Type must be application/json')) ??
    (mode ? null : new WireError('SLUICE_INGRESS_NOT_ACCEPTABLE', 'Not Acceptable: Accept must allow application/json or text/event-stream')) ??
    checkProtocolVersion(head) ??
    checkRunning(rt);
  if (refused || mode === null) {
    if (refused) reject(rt, exchange, refused, null, startedAt);
    return;
  }
  exchange
    .readBody(rt.config.maxBodyBytes)
    .then((body) => onBody(rt, exchange, principal, mode, body, startedAt))
    .catch((err: unknown) => {
      const error = asWireError(err);
      if (error.code === 'SLUICE_INGRESS_INTERNAL') rt.logger.error({ err }, 'POST /mcp failed');
      reject(rt, exchange, error, null, startedAt);
    });
}

async function onBody(
  rt: IngressRuntime,
  exchange: Exchange,
  principal: VerifiedPrincipal | null,
  mode: ResponseMode,
  body: BodyResult,
  startedAt: number,
): Promise<void> {
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') {
    const error = new WireError('SLUICE_INGRESS_BODY_TOO_LARGE', `Invalid Request: the body exceeds ${rt.config.maxBodyBytes} bytes`);
    reject(rt, exchange, error, null, startedAt, { closeConnection: true });
    return;
  }
  const message = parseClientMessage(body.bytes);
  const method = message.kind === 'response' ? null : message.method;
  const id = message.kind === 'notification' ? null : message.id;
  const stopping = checkRunning(rt);
  if (stopping) return reject(rt, exchange, stopping, method, startedAt, { id });

  if (message.kind === 'request' && message.method === 'initialize') {
    if (exchange.head.sessionId !== null) {
      const error = new WireError('SLUICE_INGRESS_INVALID_REQUEST', 'Invalid Request: initialize must not carry an Mcp-Session-Id');
      return reject(rt, exchange, error, method, startedAt, { id });
    }
    return initialize(rt, { exchange, mode, message, bytes: body.bytes, principal, startedAt }, message.params);
  }
  const { session, error } = findSession(rt, exchange.head, principal);
  if (error) return reject(rt, exchange, error, method, startedAt, { id });
  if (message.kind !== 'response' && !isKnownMethod(message.kind, message.method)) {
    const error = new WireError('SLUICE_INGRESS_METHOD_NOT_FOUND', `Method not found: ${message.method.slice(0, 100)}`);
    return reject(rt, exchange, error, method, startedAt, message.kind === 'request' ? { id } : { status: 400 });
  }
  await forward(rt, { exchange, mode, message, bytes: body.bytes, session, principal, startedAt });
}

/** Opens a session (session.opened is stored first), then forwards the initialize request. */
async function initialize(rt: IngressRuntime, input: Omit<Accepted, 'session'>, params: unknown): Promise<void> {
  const { exchange, message, principal, startedAt } = input;
  const id = message.kind === 'request' ? message.id : null;
  const { init, error } = readInitializeParams(params);
  if (error) return reject(rt, exchange, error, 'initialize', startedAt, { id });
  const owner = ownerOf(exchange.head, principal);
  const retryAfterS = rt.creationRate.take(owner);
  if (retryAfterS !== null) {
    const limited = new WireError('SLUICE_INGRESS_SESSION_RATE_LIMITED', `Too Many Requests: this client opens sessions too often; retry in ${retryAfterS} s`);
    return reject(rt, exchange, limited, 'initialize', startedAt, { id, headers: { 'Retry-After': String(retryAfterS) } });
  }
  const full = rt.sessions.refusal(owner);
  if (full) return reject(rt, exchange, full, 'initialize', startedAt, { id });
  const session = rt.sessions.create({ ...init, owner, principal });
  const opened = newEvent(
    'session.opened',
    { protocolVersion: session.protocolVersion, transport: TRANSPORT_NAME, clientName: session.clientName, clientVersion: session.clientVersion },
    envelopeFor(rt, session, exchange.head),
  );
  try {
    await rt.events.publish('sessions', [opened]);
  } catch (err) {
    rt.sessions.delete(session.id);
    return reject(rt, exchange, publishFailed(rt, err), 'initialize', startedAt, { id });
  }
  const drop = (): void => dropSession(rt, session);
  await forward(rt, { ...input, session }, {
    headers: (): Record<string, string> => (rt.sessions.get(session.id) ? { 'Mcp-Session-Id': session.id } : {}),
    onReply: (reply) => (adoptNegotiatedVersion(session, reply) ? undefined : drop()),
    onFailure: drop,
  });
}

/** Publishes one client.message, its secrets redacted; acknowledges notifications and responses, or waits for a request's reply. */
async function forward(rt: IngressRuntime, accepted: Accepted, hooks?: FlightHooks): Promise<void> {
  const { exchange, mode, message, bytes, session, startedAt } = accepted;
  const requestId = uuidv7();
  const method = message.kind === 'response' ? null : message.method;
  const jsonrpcId = message.kind === 'notification' ? null : JSON.stringify(message.id);
  const redacted = rt.redactor?.redact(bytes) ?? null;
  const event = newEvent(
    'client.message',
    { kind: message.kind, method, jsonrpcId, redaction: redacted?.redaction ?? null },
    { ...envelopeFor(rt, session, exchange.head), requestId, message: redacted?.bytes ?? bytes },
  );

  if (message.kind !== 'request') {
    try {
      await rt.events.publish('requests', [event]);
    } catch (err) {
      return reject(rt, exchange, publishFailed(rt, err), method, startedAt);
    }
    exchange.respond(202, {});
    recordOutcome(rt, method, exchange.wasAborted ? 'aborted' : 'accepted', startedAt);
    return;
  }
  const flight = new RequestFlight({ rt, exchange, mode, requestId, sessionId: session.id, jsonrpcId: message.id, method: message.method, startedAt, hooks });
  flight.begin();
  try {
    await rt.events.publish('requests', [event]);
  } catch (err) {
    flight.refuse(publishFailed(rt, err));
    return;
  }
  flight.published();
}

/** Records the revision the server answered initialize with; false when initialize failed. */
function adoptNegotiatedVersion(session: Session, reply: EventOf<'backend.message'>): boolean {
  try {
    const response = JSON.parse(Buffer.from(reply.message ?? []).toString('utf8')) as { result?: { protocolVersion?: unknown } };
    if (typeof response.result?.protocolVersion !== 'string') return false;
    session.protocolVersion = response.result.protocolVersion;
    return true;
  } catch {
    return false;
  }
}

/** Forgets a session whose initialize failed and records that it closed. */
function dropSession(rt: IngressRuntime, session: Session): void {
  if (!rt.sessions.get(session.id)) return;
  rt.sessions.delete(session.id);
  recordSessionClosed(rt, session, 'initialize-failed', null).catch((err: unknown) =>
    rt.logger.warn({ err, sessionId: session.id }, 'could not record session.closed'),
  );
}

function publishFailed(rt: IngressRuntime, err: unknown): WireError {
  rt.logger.warn({ err }, 'publishing a client message failed');
  return new WireError('SLUICE_INGRESS_PUBLISH_FAILED', 'Service unavailable: the message could not be stored; retry', err);
}

function reject(rt: IngressRuntime, exchange: Exchange, error: WireError, method: string | null, startedAt: number, options: ErrorReplyOptions = {}): void {
  respondError(exchange, error, options);
  recordOutcome(rt, method, 'rejected', startedAt);
}
