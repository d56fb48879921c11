import { WireError } from '../errors.js';
import type { UwsRequest, UwsResponse } from '../uws/types.js';
import type { RequestHead } from './exchange.js';

/** Bounds on a request head. */
export interface HeadLimits {
  maxHeaders: number;
  maxHeaderBytes: number;
}

const DIGITS = /^\d{1,15}$/;
const NUMBER = /^\d+$/;
/** Control characters other than horizontal tab (RFC 9110 §5.5). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** A request head copied out of uWS, and why it is refused (null: it is strict HTTP within the limits). */
export interface StrictHead {
  head: RequestHead;
  refused: WireError | null;
}

/**
 * Copies a request head out of uWebSockets.js and checks it in the same walk over its fields, before anything
 * reads it: 431 past the header limits; 400 for framing that two parsers could read differently (RFC 9112 §6.3:
 * Content-Length values that differ or are not a number, Content-Length with Transfer-Encoding, a
 * Transfer-Encoding that is not exactly `chunked`), more than one Host (§3.2) or a control character in a value.
 * uWS exposes only the first of repeated headers through getHeader, so every field is walked; the head keeps
 * the first value of each field, as getHeader would give it, an empty value as absent. Call it synchronously in
 * the route handler.
 */
export function readStrictHead(req: UwsRequest, res: UwsResponse, limits: HeadLimits): StrictHead {
  const method = req.getMethod();
  const path = req.getUrl();
  let count = 0;
  let bytes = method.length + path.length + (req.getQuery()?.length ?? 0) + 12;
  let hosts = 0;
  let length: string | null = null;
  let lengthConflict = false;
  let encodings = 0;
  let encoding = '';
  let control = false;
  const first = new FirstValues();
  req.forEach((key, value) => {
    count += 1;
    bytes += key.length + value.length + 4;
    if (CONTROL.test(value)) control = true;
    switch (key) {
      case 'host':
        hosts += 1;
        break;
      case 'content-length':
        if (!DIGITS.test(value) || (length !== null && length !== value)) lengthConflict = true;
        length = value;
        break;
      case 'transfer-encoding':
        encodings += 1;
        encoding = value;
        return;
    }
    first.see(key, value);
  });
  const declared = first.contentLength || null;
  const head: RequestHead = {
    method: method.toUpperCase(),
    path,
    host: first.host || null,
    origin: first.origin || null,
    accept: first.accept || null,
    contentType: first.contentType || null,
    contentLength: declared !== null && NUMBER.test(declared) ? Number(declared) : null,
    sessionId: first.sessionId || null,
    protocolVersion: first.protocolVersion || null,
    traceparent: first.traceparent || null,
    tracestate: first.tracestate || null,
    authorization: first.authorization || null,
    apiKey: first.apiKey || null,
    peer: Buffer.from(res.getRemoteAddressAsText()).toString('latin1'),
  };
  return { head, refused: refusal() };

  function refusal(): WireError | null {
    if (count > limits.maxHeaders) return tooLarge(`more than ${limits.maxHeaders} header fields`);
    if (bytes > limits.maxHeaderBytes) return tooLarge(`the request head exceeds ${limits.maxHeaderBytes} bytes`);
    if (lengthConflict) return bad('Content-Length headers differ or are not a number');
    if (encodings > 0 && length !== null) return bad('Content-Length together with Transfer-Encoding');
    if (encodings > 1 || (encodings === 1 && encoding.trim().toLowerCase() !== 'chunked')) return bad('Transfer-Encoding must be exactly chunked');
    if (hosts > 1) return bad('more than one Host header');
    if (control) return bad('a header value contains a control character');
    return null;
  }
}

/** The first value of each header field the ingress reads (undefined: not sent). */
class FirstValues {
  host: string | undefined;
  origin: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  contentLength: string | undefined;
  sessionId: string | undefined;
  protocolVersion: string | undefined;
  traceparent: string | undefined;
  tracestate: string | undefined;
  authorization: string | undefined;
  apiKey: string | undefined;

  see(key: string, value: string): void {
    switch (key) {
      case 'host':
        this.host ??= value;
        break;
      case 'origin':
        this.origin ??= value;
        break;
      case 'accept':
        this.accept ??= value;
        break;
      case 'content-type':
        this.contentType ??= value;
        break;
      case 'content-length':
        this.contentLength ??= value;
        break;
      case 'mcp-session-id':
        this.sessionId ??= value;
        break;
      case 'mcp-protocol-version':
        this.protocolVersion ??= value;
        break;
      case 'traceparent':
        this.traceparent ??= value;
        break;
      case 'tracestate':
        this.tracestate ??= value;
        break;
      case 'authorization':
        this.authorization ??= value;
        break;
      case 'x-api-key':
        this.apiKey ??= value;
        break;
    }
  }
}

function tooLarge(reason: string): WireError {
  return new WireError('SLUICE_INGRESS_HEADERS_TOO_LARGE', `Request Header Fields Too Large: ${reason}`);
}

function bad(reason: string): WireError {
  return new WireError('SLUICE_INGRESS_BAD_HTTP_REQUEST', `Bad Request: ${reason}`);
}
