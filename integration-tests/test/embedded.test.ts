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
    await toolCallScenario(mcpPort, adminPort, 'embedded-agent');
  });

  it('answers bad input with exact errors and keeps serving', async () => {
    await badInputScenario(mcpPort, MAX_BODY);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`http://127.0.0.1:${adminPort}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).json();
    expect(ready).toEqual({ ready: true, roles: { 'audit-sink': true, router: true, 'policy-worker': true, ingress: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
    expect(metrics).toMatch(/sluice_events_produced_total\{topic="requests"\} [1-9]/);
  });

  it('refuses anything but a read on /admin/sql', async () => {
    for (const statement of ['DROP TABLE sluice.calls', 'INSERT INTO sluice.calls (request_id) VALUES (1)', 'SELECT 1; DROP TABLE sluice.calls']) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/admin/sql`, { method: 'POST', body: statement });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
    }
    const rows = await sql<{ n: string }>(adminPort, 'SELECT count() AS n FROM sluice.calls');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });

  it('drains and exits 0 on Ctrl-C', async () => {
    expect(await gateway.stop('SIGINT')).toBe(0);
  });
});
