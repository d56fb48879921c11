import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, parseConfig } from '@sluice/core';
import { startAdminServer } from '../../src/admin/server.js';
import { call, recordingLogger } from './support.js';

const TOKEN = 'Zr3x_admin-token-for-tests-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Started {
  port: number;
  queries: string[];
  warnings: string[];
  close(): Promise<void>;
}

const running: Started[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function start(adminYaml: string, token: string | null = TOKEN): Promise<Started> {
  const config = parseConfig(`admin: { host: 127.0.0.1, port: 0, ${adminYaml} }`, 'admin-test.yaml', {});
  const queries: string[] = [];
  const { logger, lines } = recordingLogger();
  const metrics = createMetrics();
  const server = await startAdminServer(config.admin, token, {
    services: () => [{ name: 'ingress', ready: () => true, stop: async () => undefined }],
    metrics,
    sql: {
      query: async (sql) => {
        queries.push(sql);
        return '{"n":"1"}\n';
      },
    },
    logger,
  });
  const started = { port: server.port, queries, warnings: lines.filter((l) => l.level === 'warn').map((l) => l.message), close: server.close };
  running.push(started);
  return started;
}

describe('admin port credentials', () => {
  it('answers /metrics and /admin/sql with 401 without a token or with a wrong one, and never runs the SQL', async () => {
    const admin = await start('');
    for (const headers of [{}, bearer('wrong-token-of-some-length'), bearer(`${TOKEN}x`), bearer(TOKEN.slice(0, -1)), { authorization: `Basic ${TOKEN}` }]) {
      const metrics = await call(admin.port, '/metrics', { headers });
      expect(metrics.status).toBe(401);
      expect(metrics.code).toBe('SLUICE_ADMIN_UNAUTHORIZED');
      expect(metrics.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(metrics.body).not.toContain('sluice_');
      const sql = await call(admin.port, '/admin/sql', { method: 'POST', headers, body: 'SELECT 1' });
      expect(sql.status).toBe(401);
      expect(sql.code).toBe('SLUICE_ADMIN_UNAUTHORIZED');
    }
    expect(admin.queries).toEqual([]);
  });

  it('tells a wrong token from a missing one in WWW-Authenticate', async () => {
    const admin = await start('');
    expect((await call(admin.port, '/metrics')).headers['www-authenticate']).toBe('Bearer realm="sluice-admin"');
    expect((await call(admin.port, '/metrics', { headers: bearer('x'.repeat(20)) })).headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('serves /metrics and /admin/sql with the token', async () => {
    const admin = await start('');
    const metrics = await call(admin.port, '/metrics', { headers: bearer(TOKEN) });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('sluice_');
    const sql = await call(admin.port, '/admin/sql', { method: 'POST', headers: { authorization: `bearer  ${TOKEN}` }, body: 'SELECT 1' });
    expect(sql.status).toBe(200);
    expect(sql.body).toBe('{"n":"1"}\n');
    expect(admin.queries).toEqual(['SELECT 1']);
  });

  it('keeps /healthz and /readyz open', async () => {
    const admin = await start('');
    expect((await call(admin.port, '/healthz')).status).toBe(200);
    const ready = await call(admin.port, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, roles: { ingress: true } });
  });

  it('needs the token before saying whether a path exists', async () => {
    const admin = await start('');
    expect((await call(admin.port, '/admin/other')).status).toBe(401);
    expect((await call(admin.port, '/admin/other', { headers: bearer(TOKEN) })).status).toBe(404);
  });

  it('opens /metrics alone with admin.metrics: open', async () => {
    const admin = await start('metrics: open');
    expect((await call(admin.port, '/metrics')).status).toBe(200);
    expect((await call(admin.port, '/admin/sql', { method: 'POST', body: 'SELECT 1' })).status).toBe(401);
  });

  it('needs no token with admin.auth: none', async () => {
    const admin = await start('auth: none', null);
    expect((await call(admin.port, '/admin/sql', { method: 'POST', body: 'SELECT 1' })).status).toBe(200);
  });
});

describe('admin port Host and Origin (DNS rebinding, browser pages)', () => {
  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1', 'localhost:1', 'localhost.evil.example:PORT'])('refuses Host %j with 403, even with the token', async (host) => {
    const admin = await start('');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const answer = await call(admin.port, path, { headers: { ...bearer(TOKEN), host: host.replace('PORT', String(admin.port)) } });
      expect(answer.status, path).toBe(403);
      expect(answer.code).toBe('SLUICE_ADMIN_HOST_FORBIDDEN');
    }
    const sql = await call(admin.port, '/admin/sql', { method: 'POST', headers: { ...bearer(TOKEN), host: 'evil.example' }, body: 'SELECT 1' });
    expect(sql.status).toBe(403);
    expect(admin.queries).toEqual([]);
  });

  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT'])('serves Host %j', async (host) => {
    const admin = await start('');
    expect((await call(admin.port, '/metrics', { headers: { ...bearer(TOKEN), host: host.replace('PORT', String(admin.port)) } })).status).toBe(200);
  });

  it('serves names listed in admin.allowedHosts', async () => {
    const admin = await start('allowedHosts: ["admin.internal.example", "lb.example:9000"]');
    expect((await call(admin.port, '/healthz', { headers: { host: 'admin.internal.example:443' } })).status).toBe(200);
    expect((await call(admin.port, '/healthz', { headers: { host: 'lb.example:9000' } })).status).toBe(200);
    expect((await call(admin.port, '/healthz', { headers: { host: 'lb.example:9001' } })).status).toBe(403);
  });

  it('refuses any Origin not in admin.allowedOrigins with 403, loopback ones included', async () => {
    const admin = await start('allowedOrigins: ["https://ops.example"]');
    for (const origin of ['https://evil.example', 'http://localhost:3000', 'null', 'https://ops.example.evil.example']) {
      const answer = await call(admin.port, '/metrics', { headers: { ...bearer(TOKEN), origin } });
      expect(answer.status, origin).toBe(403);
      expect(answer.code).toBe('SLUICE_ADMIN_ORIGIN_FORBIDDEN');
    }
    expect((await call(admin.port, '/healthz', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await call(admin.port, '/metrics', { headers: { ...bearer(TOKEN), origin: 'https://ops.example' } })).status).toBe(200);
  });
});
