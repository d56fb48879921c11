import { randomPool, takeRandom } from './random-pool.js';

function randomHex(bytes: number): string {
  const start = takeRandom(bytes);
  return randomPool.toString('hex', start, start + bytes);
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C trace context. */
export interface TraceContext {
  traceparent: string;
  tracestate: string | null;
}

/** Parses a `traceparent` header value; null when absent or malformed (then a new trace starts). */
export function parseTraceparent(value: string | undefined | null): string | null {
  if (!value) return null;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return null;
  return m[0];
}

/** Continues the caller's trace with a new span id, or starts a new trace. */
export function childTrace(parent: string | null, tracestate: string | null = null): TraceContext {
  const span = randomHex(8);
  if (parent) {
    const [version, trace, , flags] = parent.split('-');
    return { traceparent: `${version}-${trace}-${span}-${flags}`, tracestate };
  }
  return { traceparent: `00-${randomHex(16)}-${span}-01`, tracestate: null };
}

/** Trace id of a traceparent. */
export function traceId(traceparent: string): string {
  return traceparent.split('-')[1] ?? '';
}
