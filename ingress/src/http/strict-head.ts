import { WireError } from '../errors.js';
import type { UwsRequest } from '../uws/types.js';

/** Bounds on a request head. */
export interface HeadLimits {
  maxHeaders: number;
  maxHeaderBytes: number;
}

const DIGITS = /^\d{1,15}$/;
/** Control characters other than horizontal tab (RFC 9110 §5.5). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Checks a request head uWebSockets.js has parsed, before anything reads it: 431 past the header limits; 400
 * for framing that two parsers could read differently (RFC 9112 §6.3: Content-Length values that differ or are
 * not a number, Content-Length with Transfer-Encoding, a Transfer-Encoding that is not exactly `chunked`),
 * more than one Host (§3.2) or a control character in a value. uWS exposes only the first of repeated
 * headers through getHeader, so every field is walked.
 */
export function checkHead(req: UwsRequest, limits: HeadLimits): WireError | null {
  let count = 0;
  let bytes = req.getMethod().length + req.getUrl().length + (req.getQuery()?.length ?? 0) + 12;
  let hosts = 0;
  let length: string | null = null;
  let lengthConflict = false;
  let encodings = 0;
  let encoding = '';
  let control = false;
  req.forEach((key, value) => {
    count += 1;
    bytes += key.length + value.length + 4;
    if (CONTROL.test(value)) control = true;
    if (key === 'host') hosts += 1;
    else if (key === 'content-length') {
      if (!DIGITS.test(value) || (length !== null && length !== value)) lengthConflict = true;
      length = value;
    } else if (key === 'transfer-encoding') {
      encodings += 1;
      encoding = value;
    }
  });
  if (count > limits.maxHeaders) return tooLarge(`more than ${limits.maxHeaders} header fields`);
  if (bytes > limits.maxHeaderBytes) return tooLarge(`the request head exceeds ${limits.maxHeaderBytes} bytes`);
  if (lengthConflict) return bad('Content-Length headers differ or are not a number');
  if (encodings > 0 && length !== null) return bad('Content-Length together with Transfer-Encoding');
  if (encodings > 1 || (encodings === 1 && encoding.trim().toLowerCase() !== 'chunked')) return bad('Transfer-Encoding must be exactly chunked');
  if (hosts > 1) return bad('more than one Host header');
  if (control) return bad('a header value contains a control character');
  return null;
}

function tooLarge(reason: string): WireError {
  return new WireError('SLUICE_INGRESS_HEADERS_TOO_LARGE', `Request Header Fields Too Large: ${reason}`);
}

function bad(reason: string): WireError {
  return new WireError('SLUICE_INGRESS_BAD_HTTP_REQUEST', `Bad Request: ${reason}`);
}
