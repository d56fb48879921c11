import type { PublishedMetadata } from '../auth/protected-resource.js';
import { WireError } from '../errors.js';
import type { Exchange } from '../http/exchange.js';
import { respondError } from './respond.js';

/** GET (or HEAD) of the protected resource metadata (RFC 9728); 405 for other methods. No credentials needed. */
export function serveMetadata(exchange: Exchange, metadata: PublishedMetadata): void {
  if (exchange.head.method !== 'GET' && exchange.head.method !== 'HEAD') {
    return respondError(exchange, new WireError('SLUICE_INGRESS_HTTP_METHOD_NOT_ALLOWED', 'Method Not Allowed: use GET'), { headers: { Allow: 'GET, HEAD' } });
  }
  exchange.respond(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' }, JSON.stringify(metadata.document));
}
