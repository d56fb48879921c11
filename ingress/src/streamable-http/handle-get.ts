import type { VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import type { Exchange } from '../http/exchange.js';
import { acceptsEventStream } from '../http/media.js';
import { SseStream } from '../http/sse-stream.js';
import { checkOrigin, checkProtocolVersion, checkRunning, findSession } from './checks.js';
import { respondError } from './respond.js';
import type { IngressRuntime } from './runtime.js';

/**
 * GET /mcp: opens the session's stream for server-to-client messages (the non-terminal replies of the session).
 * 406 without `Accept: text/event-stream`, 400/404 without a known session, 409 when one is already open.
 */
export function handleGet(rt: IngressRuntime, exchange: Exchange, principal: VerifiedPrincipal | null): void {
  const { head } = exchange;
  const notAcceptable = acceptsEventStream(head.accept)
    ? null
    : new WireError('SLUICE_INGRESS_NOT_ACCEPTABLE', 'Not Acceptable: a GET stream needs Accept: text/event-stream');
  const refused = checkOrigin(rt, head) ?? notAcceptable ?? checkProtocolVersion(head) ?? checkRunning(rt);
  if (refused) return respondError(exchange, refused);
  const { session, error } = findSession(rt, head, principal);
  if (error) return respondError(exchange, error);
  if (session.stream?.isOpen) {
    return respondError(exchange, new WireError('SLUICE_INGRESS_STREAM_CONFLICT', 'Conflict: the session already has a GET stream'));
  }
  const stream = new SseStream(exchange, rt.streamOptions);
  session.stream = stream;
  stream.onClose(() => {
    if (session.stream === stream) session.stream = null;
  });
  stream.open();
}
