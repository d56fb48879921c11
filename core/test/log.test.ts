import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOG_STACK_CHARS, LOG_STRING_CHARS, createLogger, sessionTag } from '../src/log.js';

/** A logger at `level` whose lines are kept. */
function capture(level = 'debug'): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger(level, { role: 'test' }, { write: (line: string) => void lines.push(line) });
  return { lines, logger };
}

const huge = 'x'.repeat(100_000);

describe('createLogger', () => {
  it('cuts every string a client can choose, in fields, nested fields and the message', () => {
    const { lines, logger } = capture();
    logger.info({ tool: huge, nested: { reason: `tool "${huge}" is unknown`, list: [huge, huge] } }, `denied ${huge}`);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.length).toBeLessThan(6 * (LOG_STRING_CHARS + 40) + 200);
    const fields = JSON.parse(line) as { tool: string; msg: string; nested: { reason: string; list: string[] } };
    expect(fields.tool).toBe(`${'x'.repeat(LOG_STRING_CHARS)}…[${100_000 - LOG_STRING_CHARS} more chars]`);
    expect(fields.msg.startsWith('denied xxx')).toBe(true);
    expect(fields.msg.length).toBeLessThan(LOG_STRING_CHARS + 40);
    expect(fields.nested.list.map((s) => s.length)).toEqual([fields.tool.length, fields.tool.length]);
  });

  it('keeps short strings as they are', () => {
    const { lines, logger } = capture();
    logger.warn({ server: 'files', attempts: 3 }, 'backend connection failed');
    expect(JSON.parse(lines[0]!)).toMatchObject({ server: 'files', attempts: 3, msg: 'backend connection failed', role: 'test' });
  });

  it('cuts an error message that echoes client input, and keeps the stack frames', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error(`Unknown tool: ${huge}`) }, 'tool call failed');
    const { err } = JSON.parse(lines[0]!) as { err: { type: string; message: string; stack: string } };
    expect(err.type).toBe('Error');
    expect(err.message.length).toBeLessThan(LOG_STRING_CHARS + 40);
    expect(err.stack.length).toBeLessThanOrEqual(LOG_STACK_CHARS + 40);
    expect(err.stack).toContain('log.test.ts');
    expect(lines[0]!.length).toBeLessThan(LOG_STRING_CHARS + LOG_STACK_CHARS + 400);
  });

  it('writes a session tag, never the session id', () => {
    const { lines, logger } = capture('trace');
    const id = 'a1'.repeat(32);
    logger.info({ sessionId: id }, 'session');
    logger.debug({ nested: { sessionId: id } }, 'nested');
    const tag = createHash('sha256').update(id).digest('hex').slice(0, 12);
    expect(sessionTag(id)).toBe(tag);
    expect(JSON.parse(lines[0]!)).toMatchObject({ session: tag });
    expect(JSON.parse(lines[1]!)).toMatchObject({ nested: { session: tag } });
    for (const line of lines) expect(line).not.toContain(id);
  });
});
