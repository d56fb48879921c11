import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumedEvent } from '@sluice/core';
import type { SluiceEvent } from '@sluice/schemas';
import { toAuditBatch, type AuditBatch } from '../../src/rows/audit-batch.js';
import { CALL_COLUMNS, EVENT_COLUMNS } from '../../src/rows/compact-rows.js';
import type { AuditStore } from '../../src/store/audit-store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openChdbClient } from '../../src/store/open-client.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { chdbAudit, erroredCall, jsonRows, oneOfEach, silent, tempDir, type TempDir } from '../support.js';

/** The statements of the release before the principal's credential columns (released statements never change). */
const PREVIOUS = MIGRATIONS.slice(0, 3);
const CREDENTIAL_COLUMNS = ['scopes', 'environment', 'auth_method', 'token_id'];

const consumed = (events: SluiceEvent[], offset = 0): ConsumedEvent[] =>
  events.map((event, i) => ({
    event,
    record: { topic: 'sluice.requests', partition: 0, offset: String(offset + i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
  }));

/** The rows as the previous release stored them: without the columns it did not have. */
const withoutNewColumns = <T extends object>(row: T, drop: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !drop.includes(key)));

describe('audit migrations on a data directory of the previous release', () => {
  let dir: TempDir;
  let store: AuditStore | null = null;

  beforeEach(async () => {
    dir = await tempDir();
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    await dir.remove();
  });

  /** Creates the previous release's tables in `dir` and stores `batch` in them as that release did. */
  async function previousRelease(batch: AuditBatch): Promise<void> {
    const opened = await openChdbClient(dir.path, silent, chdbAudit(dir.path).sql);
    try {
      for (const statement of PREVIOUS) await opened.client.command({ query: statement });
      const calls = jsonRows<{ name: string }>(await (await opened.client.query({ query: 'DESCRIBE TABLE sluice.calls', format: 'JSONEachRow' })).text());
      expect(calls.map((c) => c.name)).not.toContain('roles');
      await opened.client.insert({ table: 'sluice.events', values: batch.events.map((r) => withoutNewColumns(r, CREDENTIAL_COLUMNS)), format: 'JSONEachRow' });
      await opened.client.insert({ table: 'sluice.calls', values: batch.calls.map((r) => withoutNewColumns(r, ['roles', ...CREDENTIAL_COLUMNS])), format: 'JSONEachRow' });
    } finally {
      await opened.release();
    }
  }

  it('adds the principal columns, keeps every row, and reads the old rows with no scopes and nulls', async () => {
    const old = toAuditBatch(consumed([...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_600_040)]));
    await previousRelease(old);

    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(jsonRows<{ name: string }>(await store.query('DESCRIBE TABLE sluice.events')).map((c) => c.name)).toEqual([...EVENT_COLUMNS]);
    expect(jsonRows<{ name: string }>(await store.query('DESCRIBE TABLE sluice.calls')).map((c) => c.name)).toEqual([...CALL_COLUMNS]);
    expect(jsonRows(await store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 11, u: 11 }]);

    const events = jsonRows(await store.query("SELECT principal_user, agent, roles, scopes, environment, auth_method, token_id FROM sluice.events WHERE type = 'client.message'"));
    expect(events).toEqual([
      { principal_user: 'ada', agent: 'claude-code', roles: ['dev', 'ops'], scopes: [], environment: null, auth_method: null, token_id: null },
      { principal_user: 'ada', agent: 'claude-code', roles: ['dev', 'ops'], scopes: [], environment: null, auth_method: null, token_id: null },
    ]);
    const calls = jsonRows(await store.query('SELECT request_id, outcome, principal_user, roles, scopes, environment, auth_method, token_id FROM sluice.calls ORDER BY request_id'));
    expect(calls).toEqual([
      { request_id: 'r-1', outcome: 'ok', principal_user: 'ada', roles: [], scopes: [], environment: null, auth_method: null, token_id: null },
      { request_id: 'r-2', outcome: 'error', principal_user: 'ada', roles: [], scopes: [], environment: null, auth_method: null, token_id: null },
    ]);
  });

  it('still skips the rows the previous release stored, and stores new rows with the principal in full', async () => {
    const delivered = [...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_600_040)];
    await previousRelease(toAuditBatch(consumed(delivered)));

    store = await openAuditStore(chdbAudit(dir.path), silent);
    // Delivered again after the upgrade (a consumer that had not committed): nothing is stored twice.
    expect(await store.write(toAuditBatch(consumed(delivered)))).toEqual({ events: 0, calls: 0, duplicates: 13 });
    const fresh = toAuditBatch(consumed(erroredCall('s-3', 'r-3', 1_767_225_700_000), 100));
    expect(await store.write(fresh)).toEqual({ events: 4, calls: 1, duplicates: 0 });
    await store.close();

    // Migrations run again on every open: a migrated directory opens unchanged.
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(jsonRows<{ name: string }>(await store.query('DESCRIBE TABLE sluice.calls')).map((c) => c.name)).toEqual([...CALL_COLUMNS]);
    expect(jsonRows(await store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 15, u: 15 }]);
    expect(jsonRows(await store.query("SELECT request_id, roles, scopes, environment, auth_method, token_id FROM sluice.calls WHERE request_id = 'r-3'"))).toEqual([
      { request_id: 'r-3', roles: ['dev', 'ops'], scopes: ['tools:call', 'tools:list'], environment: 'production', auth_method: 'oauth', token_id: 'jti-7f3a' },
    ]);
    expect(await store.query("SELECT count() AS n FROM sluice.events WHERE token_id = 'jti-7f3a'")).toBe('{"n":4}\n');
  });
});
