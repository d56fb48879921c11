/** How a POST's answer to a request is sent. */
export type ResponseMode = 'json' | 'sse';

const JSON_TYPE = 'application/json';
const SSE_TYPE = 'text/event-stream';

interface MediaRange {
  type: string;
  q: number;
  position: number;
}

/** True when a Content-Type header names application/json (parameters such as charset are allowed). */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && (value.split(';')[0] ?? '').trim().toLowerCase() === JSON_TYPE;
}

/**
 * The response mode an Accept header allows: null when it allows neither JSON nor SSE. SSE only when the client
 * prefers it (higher q, or listed before application/json at equal q); no Accept header means anything goes.
 */
export function negotiateResponseMode(accept: string | null): ResponseMode | null {
  if (accept === null || accept.trim() === '') return 'json';
  const known = negotiated.get(accept);
  if (known !== undefined) return known;
  const mode = negotiate(accept);
  // Clients send the same few Accept values on every request; a bounded memo spares parsing them each time.
  if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
  negotiated.set(accept, mode);
  return mode;
}

const NEGOTIATED_MAX = 256;
const negotiated = new Map<string, ResponseMode | null>();

function negotiate(accept: string): ResponseMode | null {
  const ranges = parseAccept(accept);
  const json = bestMatch(ranges, JSON_TYPE);
  const sse = bestMatch(ranges, SSE_TYPE);
  const jsonOk = json !== null && json.q > 0;
  const sseOk = sse !== null && sse.q > 0;
  if (!jsonOk && !sseOk) return null;
  if (!sseOk) return 'json';
  if (!jsonOk) return 'sse';
  if (sse.q !== json.q) return sse.q > json.q ? 'sse' : 'json';
  return sse.position < json.position ? 'sse' : 'json';
}

/** True when an Accept header explicitly lists text/event-stream with a non-zero q (a GET stream needs it). */
export function acceptsEventStream(accept: string | null): boolean {
  if (accept === null) return false;
  return parseAccept(accept).some((range) => range.type === SSE_TYPE && range.q > 0);
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(',').map((part, position) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((p) => p.trim());
      if (name?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    return { type: type.toLowerCase(), q, position };
  });
}

/** The most specific range that matches `type` (exact, then `major/*`, then `*\/*`). */
function bestMatch(ranges: MediaRange[], type: string): MediaRange | null {
  const major = `${type.split('/')[0]}/*`;
  for (const candidate of [type, major, '*/*']) {
    const found = ranges.find((r) => r.type === candidate);
    if (found) return found;
  }
  return null;
}
