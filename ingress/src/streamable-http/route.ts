import type { AuthOutcome } from '../auth/authenticator.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import { Exchange } from '../http/exchange.js';
import { readStrictHead } from '../http/strict-head.js';
import type { UwsRequest, UwsResponse } from '../uws/types.js';
import { handleDelete } from './handle-delete.js';
import { handleGet } from './handle-get.js';
import { handlePost } from './handle-post.js';
import { checkHost } from './checks.js';
import { ALLOWED_METHODS, MCP_PATH } from './protocol.js';
import { serveMetadata } from './metadata.js';
import { asWireError, respondError } from './respond.js';
import type { IngressRuntime } from './runtime.js';

/**
 * The uWS handler of every request, in phases: decode (a head that is not strict HTTP is refused, 400/431, connection
 * closed; 403 for a Host the gateway does not answer as; the protected resource metadata; 404 for other paths, 405
 * with Allow for other methods), then authenticate (401/403/503 with a WWW-Authenticate challenge), then the /mcp
 * handler of the method with the verified principal.
 */
export function createRouteHandler(rt: IngressRuntime): (res: UwsResponse, req: UwsRequest) => void {
  return (res, req) => {
    const { head, refused } = readStrictHead(req, res, rt.config);
    const exchange = new Exchange(res, head, rt.writeTimeouts);
    try {
      if (refused) return respondError(exchange, refused, { closeConnection: true });
      route(rt, exchange);
    } catch (err) {
      rt.logger.error({ err }, 'request handler failed');
      respondError(exchange, new WireError('SLUICE_INGRESS_INTERNAL', 'Internal error', err));
    }
  };
}

function route(rt: IngressRuntime, exchange: Exchange): void {
  const { head } = exchange;
  const foreignHost = checkHost(rt, head);
  if (foreignHost) return respondError(exchange, foreignHost);
  if (rt.auth.metadata?.paths.has(head.path)) return serveMetadata(exchange, rt.auth.metadata);
  if (head.path !== MCP_PATH) {
    return respondError(exchange, new WireError('SLUICE_INGRESS_PATH_NOT_FOUND', `Not Found: the MCP endpoint is ${MCP_PATH}`));
  }
  if (head.method !== 'POST' && head.method !== 'GET' && head.method !== 'DELETE') {
    return respondError(exchange, new WireError('SLUICE_INGRESS_HTTP_METHOD_NOT_ALLOWED', `Method Not Allowed: use ${ALLOWED_METHODS}`), {
      headers: { Allow: ALLOWED_METHODS },
    });
  }
  const outcome = rt.auth.authenticate(head);
  if (!(outcome instanceof Promise)) return authenticated(rt, exchange, outcome);
  // The body must be read from this turn on; the POST handler takes over the same read.
  if (head.method === 'POST') void exchange.readBody(rt.config.maxBodyBytes);
  outcome.then(
    (result) => authenticated(rt, exchange, result),
    (err: unknown) => respondError(exchange, asWireError(err)),
  );
}

function authenticated(rt: IngressRuntime, exchange: Exchange, outcome: AuthOutcome): void {
  if (outcome.refusal) {
    if (outcome.refusal.error.code === 'SLUICE_INGRESS_AUTH_UNAVAILABLE') rt.logger.warn({ err: outcome.refusal.error.cause }, 'token issuer unavailable (JWKS or introspection)');
    return respondError(exchange, outcome.refusal.error, { headers: outcome.refusal.headers });
  }
  dispatch(rt, exchange, outcome.principal);
}

function dispatch(rt: IngressRuntime, exchange: Exchange, principal: VerifiedPrincipal | null): void {
  try {
    if (exchange.head.method === 'POST') handlePost(rt, exchange, principal);
    else if (exchange.head.method === 'GET') handleGet(rt, exchange, principal);
    else handleDelete(rt, exchange, principal);
  } catch (err) {
    rt.logger.error({ err }, 'request handler failed');
    respondError(exchange, new WireError('SLUICE_INGRESS_INTERNAL', 'Internal error', err));
  }
}
