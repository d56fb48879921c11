/** How big and how deep the arguments of one tool call may be. */
export interface ArgumentLimits {
  /** Longest the arguments may be as JSON, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest the arguments may nest; the arguments object itself is level 1. */
  maxDepth: number;
}

/** A limit the arguments break: which one, and a message for the client. */
export interface LimitViolation {
  limit: keyof ArgumentLimits;
  message: string;
}

/**
 * Checks `args` against `limits`; null when they fit. Depth is checked first, by a walk that stops one level past
 * the limit, so a hostile nesting never reaches the serializer or the validator. `settingOf` names the setting of a
 * limit in messages.
 */
export function checkLimits(args: Record<string, unknown>, limits: ArgumentLimits, settingOf: (limit: keyof ArgumentLimits) => string): LimitViolation | null {
  const deep = tooDeep(args, 1, limits.maxDepth, []);
  if (deep) {
    return { limit: 'maxDepth', message: `Invalid params: arguments nest deeper than ${limits.maxDepth} levels at ${pointer(deep)} (${settingOf('maxDepth')})` };
  }
  const bytes = Buffer.byteLength(JSON.stringify(args), 'utf8');
  if (bytes > limits.maxBytes) {
    return { limit: 'maxBytes', message: `Invalid params: arguments are ${bytes} bytes, over the limit of ${limits.maxBytes} (${settingOf('maxBytes')})` };
  }
  return null;
}

/** The path of the first container past `max` levels, or null. */
function tooDeep(value: unknown, depth: number, max: number, path: string[]): string[] | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > max) return path;
  const keys = Array.isArray(value) ? null : Object.keys(value);
  const count = keys ? keys.length : (value as unknown[]).length;
  for (let i = 0; i < count; i++) {
    const k = keys ? (keys[i] as string) : String(i);
    path.push(k);
    const found = tooDeep((value as Record<string, unknown>)[k], depth + 1, max, path);
    if (found) return found;
    path.pop();
  }
  return null;
}

/** A JSON Pointer (RFC 6901), cut to a readable length. */
export function pointer(path: readonly string[]): string {
  const text = path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
  return text === '' ? '/' : cut(text, 200);
}

/** `text` cut to at most `max` characters, marked when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
