import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditStore, toAuditBatch, type AuditStore } from '@sluice/audit-sink';
import { createLogger, createMetrics, newEvent, parseConfig } from '@sluice/core';
import type { SluiceEvent } from '@sluice/schemas';
import { startAdminServer } from '../../src/admin/server.js';
import { startTestProvider, type TestClient, type TestProvider } from './oidc.js';
import { call, recordingLogger } from './support.js';

const TOKEN = 'Zr3x_admin-token-for-tests-0123456789';
const ADMIN_AUDIENCE = 'http://127.0.0.1/admin';
const MCP_AUDIENCE = 'http://127.0.0.1/mcp';
const client = (id: string, claims: Record<string, unknown>): TestClient => ({ id, secret: `${id}-secret-0123456789`, claims });
const ADMIN = client('ops-console', { roles: ['admin'] });
const AUDITOR_A = client('auditor-acme', { roles: ['auditor'], tenant: 'acme' });
const AUDITOR_B = client('auditor-globex', { roles: ['auditor', 'dev'], tenant: 'globex' });
const NO_ROLE = client('dev-acme', { roles: ['dev'], tenant: 'acme' });
const NO_TENANT = client('auditor-nowhere', { roles: ['auditor'] });

/** `calls` tool calls of `tenant`, each a request and its terminal reply, after one session.opened. */
function traffic(tenant: string, calls: number): SluiceEvent[] {
  const sessionId = `s-${tenant}`;
  const events: SluiceEvent[] = [
    newEvent('session.opened', { protocolVersion: '2025-06-18', transport: 'streamable-http', clientName: 'cli', clientVersion: '1' }, { tenant, sessionId }),
  ];
  for (let i = 0; i < calls; i++) {
    const requestId = `r-${tenant}-${i}`;
    const env = { tenant, sessionId, requestId, principal: { user: `${tenant}-user`, agent: 'agent', roles: [] } };
    events.push(newEvent('client.message', { kind: 'request', method: 'tools/call', jsonrpcId: String(i), redaction: null }, env));
    events.push(
      newEvent(
        'backend.message',
        { terminal: true, outcome: 'ok', errorCode: null, method: 'tools/call', jsonrpcId: String(i), server: 'everything', tool: 'echo', policyRevision: 'r', requestTime: null, requestBytes: 10, latencyMs: 3, redaction: null },
        env,
      ),
    );
  }
  return events;
}

describe('admin port: JWT roles, and /admin/sql scoped to the auditor tenant (real OP, real chDB)', () => {
  let dir: string;
  let provider: TestProvider;
  let store: AuditStore;
  let admin: { port: number; close(): Promise<void> };
  const sql = (token: string, body: string) => call(admin.port, '/admin/sql', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
  const rows = (body: string) => body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-admin-roles-'));
    provider = await startTestProvider([ADMIN, AUDITOR_A, AUDITOR_B, NO_ROLE, NO_TENANT]);
    const config = parseConfig(
      `admin: { host: 127.0.0.1, port: 0, oauth: { issuer: '${provider.issuer}', jwksUri: '${provider.jwksUri}', audience: '${ADMIN_AUDIENCE}' } }\n` +
        `audit: { kind: chdb, path: '${join(dir, 'audit')}' }\n`,
      join(dir, 'sluice.yaml'),
      {},
    );
    if (config.audit.kind !== 'chdb') throw new Error('not chDB');
    store = await openAuditStore(config.audit, createLogger('silent'));
    const events = [...traffic('acme', 2), ...traffic('globex', 3)];
    await store.write(toAuditBatch(events.map((event, i) => ({ event, record: { topic: 't', partition: 0, offset: String(i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 } }))));
    admin = await startAdminServer(config.admin, TOKEN, { services: () => [], metrics: createMetrics(), sql: store, logger: recordingLogger().logger });
  });

  afterAll(async () => {
    await admin?.close();
    await store?.close();
    await provider?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the admin token and an admin-role token every row and /metrics', async () => {
    for (const token of [TOKEN, await provider.token(ADMIN, ADMIN_AUDIENCE)]) {
      const answer = await sql(token, 'SELECT tenant, count() AS n FROM sluice.calls GROUP BY tenant ORDER BY tenant');
      expect(answer.status).toBe(200);
      expect(rows(answer.body)).toEqual([
        { tenant: 'acme', n: 2 },
        { tenant: 'globex', n: 3 },
      ]);
      expect((await call(admin.port, '/metrics', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it.each<[string, Record<string, unknown>[]]>([
    ['SELECT count() AS n FROM sluice.calls', [{ n: 2 }]],
    ['SELECT count() AS n FROM calls', [{ n: 2 }]],
    ['SELECT DISTINCT tenant FROM events', [{ tenant: 'acme' }]],
    ['SELECT count() AS n FROM events AS e INNER JOIN sluice.calls AS c ON e.request_id = c.request_id', [{ n: 4 }]],
    ["SELECT count() AS n FROM calls AS c FULL OUTER JOIN events AS e ON c.request_id = e.request_id WHERE c.tenant = 'globex' OR e.tenant = 'globex'", [{ n: 0 }]],
    ['SELECT count() AS n FROM (SELECT tenant FROM calls UNION ALL SELECT tenant FROM events)', [{ n: 7 }]],
    ['SELECT count() AS n FROM (SELECT * FROM (SELECT request_id FROM sluice.calls))', [{ n: 2 }]],
    ['WITH recent AS (SELECT * FROM events) SELECT count() AS n FROM recent', [{ n: 5 }]],
    ['SELECT count() AS n FROM events WHERE request_id IN (SELECT request_id FROM calls)', [{ n: 4 }]],
    ['SELECT tenant, count() AS n, sum(latency_ms) AS ms FROM calls GROUP BY tenant', [{ tenant: 'acme', n: 2, ms: 6 }]],
    ['SELECT (SELECT count() FROM events) AS n', [{ n: 5 }]],
    ["SELECT count() AS n FROM calls WHERE tenant = 'globex'", [{ n: 0 }]],
    ['SELECT arraySort(groupUniqArray(principal_user)) AS users FROM events', [{ users: ['acme-user'] }]],
  ])('answers an auditor of acme only acme rows: %s', async (statement, expected) => {
    const answer = await sql(await provider.token(AUDITOR_A, ADMIN_AUDIENCE), statement);
    expect(answer.status, answer.body).toBe(200);
    expect(rows(answer.body)).toEqual(expected);
    expect(answer.body).not.toContain('globex');
  });

  it('answers an auditor of globex only globex rows', async () => {
    const answer = await sql(await provider.token(AUDITOR_B, ADMIN_AUDIENCE), 'SELECT tenant, count() AS n FROM events GROUP BY tenant');
    expect(rows(answer.body)).toEqual([{ tenant: 'globex', n: 7 }]);
  });

  it('keeps an auditor to POST /admin/sql', async () => {
    const headers = { authorization: `Bearer ${await provider.token(AUDITOR_A, ADMIN_AUDIENCE)}` };
    const metrics = await call(admin.port, '/metrics', { headers });
    expect([metrics.status, metrics.code]).toEqual([403, 'SLUICE_ADMIN_ROLE_FORBIDDEN']);
    expect(metrics.body).not.toContain('sluice_');
    expect((await call(admin.port, '/admin/sql', { headers })).code).toBe('SLUICE_ADMIN_ROLE_FORBIDDEN');
  });

  it('refuses with 403 a valid token with neither role, or an auditor token naming no tenant', async () => {
    const none = await sql(await provider.token(NO_ROLE, ADMIN_AUDIENCE), 'SELECT count() AS n FROM calls');
    expect([none.status, none.code]).toEqual([403, 'SLUICE_ADMIN_ROLE_MISSING']);
    expect(none.headers['www-authenticate']).toContain('error="insufficient_scope"');
    const nowhere = await sql(await provider.token(NO_TENANT, ADMIN_AUDIENCE), 'SELECT count() AS n FROM calls');
    expect([nowhere.status, nowhere.code]).toEqual([403, 'SLUICE_ADMIN_TENANT_MISSING']);
  });

  it('refuses with 401 a token for another audience, from another issuer, or expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: 'x', roles: ['admin'], aud: ADMIN_AUDIENCE, iss: provider.issuer, iat: now, exp: now + 300 };
    const cases: [string, string, string][] = [
      ['audience', await provider.token(ADMIN, MCP_AUDIENCE), 'aud'],
      ['issuer', await provider.sign({ ...base, iss: 'http://127.0.0.1:1/other' }), 'iss'],
      ['expired', await provider.sign({ ...base, iat: now - 900, exp: now - 600 }), 'expired'],
    ];
    for (const [what, token, reason] of cases) {
      const answer = await sql(token, 'SELECT count() AS n FROM calls');
      expect([answer.status, answer.code], what).toEqual([401, 'SLUICE_ADMIN_UNAUTHORIZED']);
      expect(answer.headers['www-authenticate'], what).toContain('error="invalid_token"');
      expect(answer.body, what).toContain(reason);
      const metrics = await call(admin.port, '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(metrics.status, what).toBe(401);
    }
  });

  it('still refuses the SQL attacks to an auditor and an admin', async () => {
    const outfile = join(dir, 'leak.txt');
    const attacks: [string, string][] = [
      [`SELECT * FROM calls INTO OUTFILE '${outfile}'`, 'SLUICE_AUDIT_SQL_NOT_READ_ONLY'],
      ["SELECT file('/etc/hostname') AS f", 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED'],
      ['SELECT count() AS n FROM calls SETTINGS additional_table_filters = {}', 'SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED'],
      ["SELECT count() AS n FROM merge('sluice', '.*')", 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED'],
      ['SELECT * FROM system.query_log', 'SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED'],
      ['INSERT INTO calls (tenant) VALUES (1)', 'SLUICE_AUDIT_SQL_NOT_READ_ONLY'],
    ];
    for (const token of [TOKEN, await provider.token(ADMIN, ADMIN_AUDIENCE), await provider.token(AUDITOR_A, ADMIN_AUDIENCE)]) {
      for (const [statement, code] of attacks) {
        const answer = await sql(token, statement);
        expect([answer.status, answer.code], statement).toEqual([400, code]);
      }
    }
    expect(existsSync(outfile)).toBe(false);
  });
});
