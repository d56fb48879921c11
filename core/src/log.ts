import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The process logger: JSON lines on stderr, so stdout stays free for a stdio transport. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } }, pino.destination(2));
}
