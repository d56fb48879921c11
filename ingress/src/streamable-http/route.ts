import { WireError } from '../errors.js';
import { Exchange, readHead } from '../http/exchange.js';
import { checkHead } from '../http/strict-head.js';
import type { UwsRequest, UwsResponse } from '../uws/types.js';
import { handleDelete } from './handle-delete.js';
import { handleGet } from './handle-get.js';
import { handlePost } from './handle-post.js';
import { checkHost } from './checks.js';
import { ALLOWED_METHODS, MCP_PATH } from './protocol.js';
import { respondError } from './respond.js';
import type { IngressRuntime } from './runtime.js';

/**
 * The uWS handler of every request. A head that is not strict HTTP is refused first (400/431, connection
 * closed); then 403 for a Host the gateway does not answer as; then /mcp by method, 404 for other paths, 405 (with
 * Allow) for other methods.
 */
export function createRouteHandler(rt: IngressRuntime): (res: UwsResponse, req: UwsRequest) => void {
  return (res, req) => {
    const refused = checkHead(req, rt.config);
    const exchange = new Exchange(res, readHead(req, res), rt.writeTimeouts);
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
  if (head.path !== MCP_PATH) {
    return respondError(exchange, new WireError('SLUICE_INGRESS_PATH_NOT_FOUND', `Not Found: the MCP endpoint is ${MCP_PATH}`));
  }
  switch (head.method) {
    case 'POST':
      return handlePost(rt, exchange);
    case 'GET':
      return handleGet(rt, exchange);
    case 'DELETE':
      return handleDelete(rt, exchange);
    default:
      return respondError(exchange, new WireError('SLUICE_INGRESS_HTTP_METHOD_NOT_ALLOWED', `Method Not Allowed: use ${ALLOWED_METHODS}`), {
        headers: { Allow: ALLOWED_METHODS },
      });
  }
}
