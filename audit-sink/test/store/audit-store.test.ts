import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newEvent } from '@sluice/core';
import { toAuditBatch } from '../../src/rows/audit-batch.js';
import { CALL_COLUMNS, EVENT_COLUMNS } from '../../src/rows/compact-rows.js';
import type { AuditStore } from '../../src/store/audit-store.js';
import { readWatermarks } from '../../src/store/dedup-state.js';
import { ENGINE_NICE } from '../../src/store/engine-priority.js';
import { openChdbClient } from '../../src/store/open-client.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { chdbAudit, configWith, envelope, erroredCall, jsonRows, oneOfEach, silent, tempDir, type TempDir } from '../support.js';

const codeOf = async (work: Promise<unknown>): Promise<string | null> =>
  work.then(
    () => null,
    (err: unknown) => (err as { code: string }).code,
  );

const consumed = (events: ReturnType<typeof oneOfEach>) =>
  events.map((event, i) => ({
    event,
    record: { topic: 'sluice.requests', partition: 2, offset: String(100 + i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
  }));

describe('audit store on chDB', () => {
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

  it('creates the sluice database with the events and calls tables', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    const opened = await openChdbClient(dir.path, silent, chdbAudit(dir.path).sql);
    const tables = await opened.client
      .query({ query: "SELECT name, engine, sorting_key FROM system.tables WHERE database = 'sluice' ORDER BY name", format: 'JSONEachRow' })
      .then((r) => r.json<{ name: string; engine: string; sorting_key: string }>())
      .finally(() => opened.client.close());
    expect(jsonRows(await store.query('SHOW TABLES FROM sluice'))).toEqual([{ name: 'calls' }, { name: 'events' }]);
    expect(tables).toEqual([
      { name: 'calls', engine: 'ReplacingMergeTree', sorting_key: 'tenant, started_at, request_id' },
      { name: 'events', engine: 'ReplacingMergeTree', sorting_key: 'tenant, time, event_id' },
    ]);
    const columns = jsonRows<{ name: string; type: string }>(await store.query('DESCRIBE TABLE sluice.events'));
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
      event_id: 'String',
      type: 'LowCardinality(String)',
      schema_version: 'UInt16',
      time: "DateTime64(3, 'UTC')",
      principal_user: 'Nullable(String)',
      roles: 'Array(String)',
      scopes: 'Array(String)',
      environment: 'LowCardinality(Nullable(String))',
      auth_method: 'LowCardinality(Nullable(String))',
      token_id: 'Nullable(String)',
      partition: 'UInt32',
      offset: 'UInt64',
      payload: 'String',
      message: 'String',
    });
    expect(columns.map((c) => c.name)).toEqual([...EVENT_COLUMNS]);
    const callColumns = jsonRows<{ name: string; type: string }>(await store.query('DESCRIBE TABLE sluice.calls'));
    expect(callColumns.map((c) => c.name)).toEqual([...CALL_COLUMNS]);
    expect(Object.fromEntries(callColumns.map((c) => [c.name, c.type]))).toMatchObject({
      tenant: 'LowCardinality(String)',
      principal_user: 'Nullable(String)',
      agent: 'LowCardinality(Nullable(String))',
      roles: 'Array(String)',
      scopes: 'Array(String)',
      environment: 'LowCardinality(Nullable(String))',
      auth_method: 'LowCardinality(Nullable(String))',
      token_id: 'Nullable(String)',
    });
  });

  it('answers a SELECT as JSONEachRow text', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.query('SELECT number AS n, toString(number) AS s FROM numbers(3)')).toBe(
      '{"n":0,"s":"0"}\n{"n":1,"s":"1"}\n{"n":2,"s":"2"}\n',
    );
    expect(jsonRows(await store.query("SELECT 'it''s; not a second statement' AS t;"))).toEqual([{ t: "it's; not a second statement" }]);
  });

  it('refuses writes, DDL and multi-statements, and leaves the data alone', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    await store.write(toAuditBatch(consumed(oneOfEach('s-1', 'r-1'))));
    for (const sql of [
      "INSERT INTO sluice.events (event_id) VALUES ('x')",
      'DROP TABLE sluice.events',
      'SELECT 1; DROP TABLE sluice.events',
      'SELECT 1; SELECT 2',
      'TRUNCATE TABLE sluice.calls',
      "SELECT 1 INTO OUTFILE 'leak.csv'",
    ]) {
      expect(await codeOf(store.query(sql)), sql).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
    }
    expect(await store.query('SELECT count() AS n FROM sluice.events')).toBe('{"n":7}\n');
  });

  it('refuses a SETTINGS clause: the statement cannot lift its limits', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    for (const sql of ['SELECT 1 SETTINGS readonly = 0', 'SELECT 1 SETTINGS max_execution_time = 0', 'SELECT 1 SETTINGS max_memory_usage = 0']) {
      const refused = await store.query(sql).catch((err: unknown) => err);
      expect(refused, sql).toMatchObject({ code: 'SLUICE_AUDIT_SQL_NOT_READ_ONLY', message: expect.stringContaining('readonly mode') });
    }
  });

  it('stays writable after read-only queries', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.query('SELECT count() AS n FROM sluice.events')).toBe('{"n":0}\n');
    expect(await codeOf(store.query('DROP TABLE sluice.events'))).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
    expect(await store.write(toAuditBatch(consumed(oneOfEach('s-1', 'r-1'))))).toMatchObject({ events: 7, calls: 1 });
    expect(await store.query('SELECT count() AS n FROM sluice.events')).toBe('{"n":7}\n');
  });

  it("runs the engine's threads at the lowest priority, Node's at theirs", async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.write(toAuditBatch(consumed(oneOfEach('s-1', 'r-1'))))).toMatchObject({ events: 7, calls: 1 });
    const threads = readdirSync('/proc/self/task').map((tid) => ({
      tid: Number(tid),
      name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(),
    }));
    const engine = threads.filter((t) => t.name !== 'node');
    expect(engine.length).toBeGreaterThan(0);
    for (const thread of engine) expect(getPriority(thread.tid), thread.name).toBe(ENGINE_NICE);
    expect(getPriority(process.pid)).toBe(getPriority());
    expect(getPriority(process.pid)).not.toBe(ENGINE_NICE);
  });

  it("reports SQL ClickHouse rejects with ClickHouse's message", async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    const syntax = await store.query('SELECT FROM WHERE').catch((err: unknown) => err);
    expect(syntax).toMatchObject({ code: 'SLUICE_AUDIT_SQL_INVALID', retriable: false, message: expect.stringContaining('Syntax error') });
    const unknown = await store.query('SELECT * FROM sluice.nope').catch((err: unknown) => err);
    expect(unknown).toMatchObject({ code: 'SLUICE_AUDIT_SQL_INVALID', message: expect.stringContaining('sluice.nope') });
  });

  it('skips rows already stored, so writing a batch twice stores it once', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    const batch = toAuditBatch(consumed(oneOfEach('s-1', 'r-1')));
    expect(await store.write(batch)).toEqual({ events: 7, calls: 1, duplicates: 0 });
    expect(await store.write(batch)).toEqual({ events: 0, calls: 0, duplicates: 8 });
    const doubled = { events: [...batch.events, ...batch.events], calls: [...batch.calls, ...batch.calls] };
    expect(await store.write(doubled)).toEqual({ events: 0, calls: 0, duplicates: 16 });
    expect(jsonRows(await store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 7, u: 7 }]);
    expect(await store.query('SELECT count() AS n FROM sluice.calls')).toBe('{"n":1}\n');
  });

  it('keeps the data across close and reopen of the same path', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    await store.write(toAuditBatch(consumed(oneOfEach('s-1', 'r-1'))));
    await store.close();
    expect(await codeOf(store.query('SELECT 1'))).toBe('SLUICE_AUDIT_STORE_CLOSED');

    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.query('SELECT count() AS n FROM sluice.events')).toBe('{"n":7}\n');
    expect(await store.query('SELECT request_id, outcome FROM sluice.calls')).toBe('{"request_id":"r-1","outcome":"ok"}\n');
  });

  it('after reopening, stores none of a batch delivered again, and stores rows newer than it without a look-up', async () => {
    const first = toAuditBatch(consumed([...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_600_040)]));
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.write(first)).toEqual({ events: 11, calls: 2, duplicates: 0 });
    await store.close();

    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.write(first)).toEqual({ events: 0, calls: 0, duplicates: 13 });
    const later = toAuditBatch(consumed(erroredCall('s-2', 'r-3', 1_767_225_700_000)));
    expect(await store.write(later)).toEqual({ events: 4, calls: 1, duplicates: 0 });
    expect(jsonRows(await store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 15, u: 15 }]);
    expect(await store.query('SELECT count() AS n FROM sluice.calls')).toBe('{"n":3}\n');
  });

  it('reads as watermarks the latest event time and call start, in the form rows carry them', async () => {
    const batch = toAuditBatch(consumed([...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_600_040)]));
    store = await openAuditStore(chdbAudit(dir.path), silent);
    const opened = await openChdbClient(dir.path, silent, chdbAudit(dir.path).sql);
    try {
      expect(await readWatermarks(opened.client)).toEqual({ events: '', calls: '' });
      await store.write(batch);
      expect(await readWatermarks(opened.client)).toEqual({
        events: batch.events.map((r) => r.time).sort().at(-1),
        calls: batch.calls.map((r) => r.started_at).sort().at(-1),
      });
      expect(batch.events.map((r) => r.time).sort().at(-1)).toBe('2026-01-01 00:00:00.050');
    } finally {
      await opened.client.close();
    }
  });

  it('shares what it knows stored with another store this process opens on the same directory', async () => {
    store = await openAuditStore(chdbAudit(dir.path), silent);
    const other = await openAuditStore(chdbAudit(dir.path), silent);
    try {
      const batch = toAuditBatch(consumed(oneOfEach('s-1', 'r-1')));
      await store.write(batch);
      expect(await other.write(batch)).toEqual({ events: 0, calls: 0, duplicates: 8 });
      const later = toAuditBatch(consumed(erroredCall('s-2', 'r-2', 1_767_225_700_000)));
      await Promise.all([store.write(later), other.write(later)]);
      expect(jsonRows(await store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 11, u: 11 }]);
      expect(await store.query('SELECT count() AS n FROM sluice.calls')).toBe('{"n":2}\n');
    } finally {
      await other.close();
    }
  });

  it('stores awkward text exactly: quotes, backslashes, control characters, non-ASCII, and nulls', async () => {
    const text = 'a "quoted" \\ back\\slash,\ttab\nnewline\r\u0000nul \u00e9 \u2028 \u{1F600} \'single\'';
    const principal = { user: text, agent: null, roles: [text, "it's"], scopes: [text], environment: text, authMethod: 'none' as const, tokenId: text };
    const env = { ...envelope('s-1', 'r-1', { jsonrpc: '2.0', id: 1, method: text }), principal };
    const event = newEvent('client.message', { kind: 'request', method: text, jsonrpcId: JSON.stringify(text), redaction: null }, { ...env, time: 1_767_225_600_000 });
    store = await openAuditStore(chdbAudit(dir.path), silent);
    await store.write(toAuditBatch(consumed([event])));
    const [row] = jsonRows<Record<string, unknown>>(
      await store.query('SELECT principal_user, agent, roles, scopes, environment, auth_method, token_id, payload, message FROM sluice.events'),
    );
    expect(row).toEqual({
      principal_user: text,
      agent: null,
      roles: [text, "it's"],
      scopes: [text],
      environment: text,
      auth_method: 'none',
      token_id: text,
      payload: JSON.stringify(event.body),
      message: Buffer.from(event.message!).toString('utf8'),
    });
  });

  it('fails with SLUICE_AUDIT_STORE_LOCKED while another process has the path open', async () => {
    const holder = await holdInAnotherProcess(dir.path);
    try {
      const refused = await openAuditStore(chdbAudit(dir.path), silent).catch((err: unknown) => err);
      expect(refused).toMatchObject({ code: 'SLUICE_AUDIT_STORE_LOCKED', message: expect.stringContaining(`process ${holder.pid}`) });
    } finally {
      holder.kill('SIGTERM');
      await once(holder, 'exit');
    }
    store = await openAuditStore(chdbAudit(dir.path), silent);
    expect(await store.query('EXISTS TABLE sluice.events')).toBe('{"result":1}\n');
  });
});

describe('audit store on a ClickHouse server', () => {
  it('refuses to open when the server cannot be reached, without echoing credentials', async () => {
    const audit = configWith("{ kind: clickhouse, url: 'http://ada:s3cret@127.0.0.1:9', password: hunter2 }").audit;
    const refused = await openAuditStore(audit, silent).catch((err: unknown) => err as Error);
    expect(refused).toMatchObject({ code: 'SLUICE_AUDIT_STORE_UNAVAILABLE', retriable: true, message: expect.stringContaining('127.0.0.1:9') });
    expect((refused as Error).message).not.toMatch(/s3cret|hunter2/);
  });
});

/** Starts a Node process that opens chDB at `path` and keeps it open until killed. */
async function holdInAnotherProcess(path: string): Promise<ChildProcess> {
  const script = `
    const { createChdbConnection } = require('chdb/connection');
    createChdbConnection({ path: ${JSON.stringify(path)} });
    process.stdout.write('open\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('open\n');
  return child;
}
