import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputScenario } from '../src/bad-input.js';
import { EVERYTHING, GatewayProcess, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { toolCallScenario } from '../src/scenario.js';

const MAX_BODY = 64 * 1024;

describe('embedded mode: every role in one process, in-memory bus, chDB', () => {
  const tmp = scratch('embedded');
  let gateway: GatewayProcess;
  let mcpPort: number;
  let adminPort: number;

  beforeAll(async () => {
    mcpPort = await freePort();
    adminPort = await freePort();
    const config = writeConfig(
      tmp.dir,
      'sluice.yaml',
      `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
bus: { kind: memory }
audit: { kind: chdb, path: audit }
ingress: { maxBodyBytes: ${MAX_BODY} }
log: { level: warn }
servers:
  everything: { transport: stdio, command: ${process.execPath}, args: [${EVERYTHING}, stdio] }
`,
    );
    gateway = await new GatewayProcess(config, [], adminPort).ready();
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    tmp.dispose();
  });

  it('serves an MCP client end to end and records both calls in sluice.calls', async () => {
    await toolCallScenario(mcpPort, gateway, 'embedded-agent');
  });

  it('answers bad input with exact errors and keeps serving', async () => {
    await badInputScenario(mcpPort, MAX_BODY);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`http://127.0.0.1:${adminPort}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).json();
    expect(ready).toEqual({ ready: true, roles: { 'audit-sink': true, router: true, 'policy-worker': true, ingress: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: gateway.adminHeaders })).text();
    expect(metrics).toMatch(/sluice_events_produced_total\{topic="requests"\} [1-9]/);
  });

  it('refuses anything but a read on /admin/sql', async () => {
    for (const statement of ['DROP TABLE sluice.calls', 'INSERT INTO sluice.calls (request_id) VALUES (1)', 'SELECT 1; DROP TABLE sluice.calls']) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/admin/sql`, { method: 'POST', body: statement, headers: gateway.adminHeaders });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
    }
    const rows = await sql<{ n: string }>(gateway, 'SELECT count() AS n FROM sluice.calls');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });

  it('made its admin token private under .sluice beside the config, and refuses callers without it', async () => {
    expect(statSync(join(tmp.dir, '.sluice', 'admin-token')).mode & 0o777).toBe(0o600);
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-the-token-at-all' }];
    for (const headers of attempts) {
      const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers });
      expect(metrics.status).toBe(401);
      expect(metrics.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const query = await fetch(`http://127.0.0.1:${adminPort}/admin/sql`, { method: 'POST', body: 'SELECT 1', headers });
      expect(query.status).toBe(401);
      expect(((await query.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ADMIN_UNAUTHORIZED');
    }
  });

  it('refuses a rebound Host on both ports, and a foreign Origin on the admin port', async () => {
    const admin = await rawStatus(adminPort, '/admin/sql', { ...gateway.adminHeaders, host: 'evil.example' }, 'SELECT 1');
    expect(admin).toEqual({ status: 403, code: 'SLUICE_ADMIN_HOST_FORBIDDEN' });
    const mcp = await rawStatus(mcpPort, '/mcp', { host: `evil.example:${mcpPort}`, 'content-type': 'application/json', accept: 'application/json' }, '{}');
    expect(mcp.status).toBe(403);
    const origin = await rawStatus(adminPort, '/metrics', { ...gateway.adminHeaders, host: `127.0.0.1:${adminPort}`, origin: 'https://evil.example' });
    expect(origin).toEqual({ status: 403, code: 'SLUICE_ADMIN_ORIGIN_FORBIDDEN' });
  });

  it('refuses on /admin/sql what reads files, opens connections or writes them', async () => {
    const outfile = `${tmp.dir}/leak.txt`;
    for (const [statement, code] of [
      ["SELECT file('/proc/self/environ')", 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED'],
      ["DESCRIBE url('http://127.0.0.1:9/x', 'CSV')", 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED'],
      [`SELECT $$--$$ AS a INTO OUTFILE '${outfile}'`, 'SLUICE_AUDIT_SQL_NOT_READ_ONLY'],
      [`SELECT 1 INTO\u200bOUTFILE '${outfile}'`, 'SLUICE_AUDIT_SQL_NOT_READ_ONLY'],
      ['SELECT * FROM system.users', 'SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED'],
    ]) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/admin/sql`, { method: 'POST', body: statement, headers: gateway.adminHeaders });
      expect(res.status, statement).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, statement).toBe(code);
    }
    expect(existsSync(outfile)).toBe(false);
    expect(await sql(gateway, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('drains and exits 0 on Ctrl-C', async () => {
    expect(await gateway.stop('SIGINT')).toBe(0);
  });
});

/** POSTs (or GETs, without a body) over node:http with exactly these headers, Host included; status and error code. */
function rawStatus(port: number, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; code: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const parsed = JSON.parse(text) as { error?: { code?: unknown } };
        resolve({ status: res.statusCode ?? 0, code: parsed.error?.code });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
