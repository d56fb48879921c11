import { sessionTag } from '@sluice/core';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import type { Exchange } from '../http/exchange.js';
import { checkOrigin, checkProtocolVersion, findSession } from './checks.js';
import { respondError } from './respond.js';
import type { IngressRuntime } from './runtime.js';
import { recordSessionClosed } from './session-events.js';

/**
 * DELETE /mcp: stores `session.closed`, then forgets the session, ends its GET stream and answers 200
 * (400 without a session header, 404 for a session this node does not hold).
 */
export function handleDelete(rt: IngressRuntime, exchange: Exchange, principal: VerifiedPrincipal | null): void {
  const { head } = exchange;
  const refused = checkOrigin(rt, head) ?? checkProtocolVersion(head);
  if (refused) return respondError(exchange, refused);
  const { session, error } = findSession(rt, head, principal);
  if (error) return respondError(exchange, error);
  recordSessionClosed(rt, session, 'client-terminated', head).then(
    () => {
      rt.sessions.delete(session.id);
      exchange.respond(200, {});
    },
    (err: unknown) => {
      rt.logger.warn({ err, session: sessionTag(session.id) }, 'could not record session.closed');
      respondError(exchange, new WireError('SLUICE_INGRESS_PUBLISH_FAILED', 'Service unavailable: the session close could not be stored; retry', err));
    },
  );
}
