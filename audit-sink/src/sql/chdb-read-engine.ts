import type { AuditSqlLimits } from '@sluice/core';
import type { Session } from 'chdb';
import type { ReadEngine, ReadOptions } from './read-engine.js';
import { readSettings } from './read-settings.js';
import { resultTooLarge } from './result-cap.js';

type SessionClass = typeof Session;

/**
 * Statements on the embedded engine, each on a new session of the data directory (about a millisecond to open) whose
 * settings are given at connect: chDB runs every session as its `default` user (users and grants cannot be had), so
 * these settings and the statement checks are the guard. A session serves one statement and is closed, so nothing
 * it leaves (output, settings, current database) reaches the next; sessions run side by side, so a slow statement
 * holds back no other. A SELECT is streamed, which lets a cancel or an oversized answer stop it between chunks.
 */
export function chdbReadEngine(SessionClass: SessionClass, path: string, limits: AuditSqlLimits): ReadEngine {
  const args = (caller: boolean): string[] => Object.entries(readSettings(limits, caller)).map(([name, value]) => `--${name}=${value}`);
  const callerArgs = args(true);
  const checkArgs = args(false);
  return {
    async run(query, options) {
      const base = options.caller ? callerArgs : checkArgs;
      const connectionArgs = options.tableFilters === undefined ? base : [...base, `--additional_table_filters=${options.tableFilters}`];
      const session = new SessionClass(path, { connectionArgs });
      try {
        if (options.inSluice) await session.queryAsync('USE sluice', { format: 'TabSeparatedRaw', signal: options.signal });
        if (options.stream) return await streamed(session, query, options, limits.maxResultBytes);
        const opts = { format: options.format, signal: options.signal };
        const result = options.params ? await session.queryBindAsync(query, options.params, opts) : await session.queryAsync(query, opts);
        if (options.caller && result.bytes().byteLength > limits.maxResultBytes) throw resultTooLarge(limits.maxResultBytes);
        return result.text();
      } finally {
        session.close();
      }
    },
    close: async () => {},
  };
}

async function streamed(session: Session, query: string, options: ReadOptions, maxBytes: number): Promise<string> {
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of session.queryStream(query, { format: options.format, signal: options.signal })) {
    bytes += chunk.numBytes;
    if (bytes > maxBytes) throw resultTooLarge(maxBytes);
    parts.push(chunk.text());
  }
  return parts.join('');
}
