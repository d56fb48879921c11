import { createHash } from 'node:crypto';
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Longest string written in a log line (the message, a field, an error message); longer ones are cut and marked. */
export const LOG_STRING_CHARS = 1024;

/** Longest error stack written in a log line. */
export const LOG_STACK_CHARS = 4096;

/** Most array items, and deepest nesting of fields, written in a log line. */
const LOG_ITEMS = 100;
const LOG_DEPTH = 6;

/**
 * A short stable tag for a session id: the first 12 hex characters of its SHA-256. Logs carry it instead of the
 * id, which lets anyone who holds it act in the session; an operator who has an id can compute its tag.
 */
export function sessionTag(sessionId: string | null): string | null {
  return sessionId === null ? null : createHash('sha256').update(sessionId).digest('hex').slice(0, 12);
}

/** `text` cut to `max` characters, with how many were cut. */
export function clipText(text: string, max = LOG_STRING_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}

/**
 * The process logger: JSON lines on stderr (or `destination`), so stdout stays free for a stdio transport. Every
 * string is cut to {@link LOG_STRING_CHARS} (stacks to {@link LOG_STACK_CHARS}), since many carry what a client
 * sent; a `sessionId` field is written as `session`, its {@link sessionTag}.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, ...bindings },
      serializers: { err: boundError },
      formatters: { log: (fields) => boundFields(fields, 0) },
      hooks: {
        logMethod(args, method) {
          const clipped = args.map((arg: unknown) => (typeof arg === 'string' ? clipText(arg) : arg)) as Parameters<LogFn>;
          method.apply(this, clipped);
        },
      },
    },
    destination,
  );
}

function boundFields(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'sessionId' && typeof value === 'string') out.session = sessionTag(value);
    else out[key] = bound(value, depth + 1);
  }
  return out;
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clipText(value);
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (depth > LOG_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, LOG_ITEMS).map((item: unknown) => bound(item, depth + 1));
    return value.length > LOG_ITEMS ? [...items, `…[${value.length - LOG_ITEMS} more items]`] : items;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? boundFields(value as Record<string, unknown>, depth) : value;
}

function boundError(err: unknown): unknown {
  const serialized = pino.stdSerializers.err(err as Error) as unknown;
  if (typeof serialized !== 'object' || serialized === null) return bound(serialized, 0);
  const { message, stack, ...rest } = serialized as Record<string, unknown>;
  const out = boundFields(rest, 0);
  if (typeof message === 'string') out.message = clipText(message);
  if (typeof stack === 'string') {
    const shortened = typeof message === 'string' && message.length > LOG_STRING_CHARS ? stack.replace(message, () => clipText(message)) : stack;
    out.stack = clipText(shortened, LOG_STACK_CHARS);
  }
  return out;
}
