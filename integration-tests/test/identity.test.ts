import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess, eventually, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { ACME, GLOBEX, SCOPE, identityConfig, principalRows, pythonCallTool } from '../src/identity.js';
import { connectClient, firstText, sessionIdOf } from '../src/mcp.js';
import { jwtClaims, startOidcProvider, type OidcProvider } from '../src/oidc.js';

const BROKER = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
const ROLES = ['ingress', 'policy-worker', 'router', 'audit-sink'] as const;
/** What the tokens grant: the scope the gateway requires and one more, both recorded. */
const GRANTED = [SCOPE, 'other:scope'];

describe('identity end to end, embedded mode: OAuth tokens of two tenants', () => {
  const tmp = scratch('identity');
  let provider: OidcProvider;
  let gateway: GatewayProcess;
  let mcpPort: number;
  let acmeToken: string;
  let globexToken: string;
  let acme: Client;

  beforeAll(async () => {
    mcpPort = await freePort();
    const adminPort = await freePort();
    provider = await startOidcProvider([ACME, GLOBEX], GRANTED, `http://127.0.0.1:${mcpPort}/mcp`);
    const config = writeConfig(
      tmp.dir,
      'sluice.yaml',
      `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
bus: { kind: memory }
audit: { kind: chdb, path: audit }
log: { level: warn }
${identityConfig(provider)}`,
    );
    [gateway, acmeToken, globexToken] = await Promise.all([new GatewayProcess(config, [], adminPort).ready(), provider.token(ACME), provider.token(GLOBEX)]);
    acme = await connectClient(mcpPort, 'sdk-client', acmeToken);
  });

  afterAll(async () => {
    await acme?.close();
    await gateway?.stop('SIGKILL');
    await provider?.stop();
    tmp.dispose();
  });

  it('answers a request without a token 401, pointing at its protected resource metadata', async () => {
    const res = await post(mcpPort, {}, initialize());
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(challenge).toMatch(/^Bearer /);
    expect(metadataUrl).toBe(`http://127.0.0.1:${mcpPort}/.well-known/oauth-protected-resource/mcp`);
    const metadata = (await (await fetch(metadataUrl!)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: `http://127.0.0.1:${mcpPort}/mcp`, authorization_servers: [provider.issuer] });
  });

  it('answers a valid token without the required scope 403 insufficient_scope', async () => {
    const res = await post(mcpPort, { authorization: `Bearer ${await provider.token(ACME, 'other:scope')}` }, initialize());
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it("lists to tenant acme only acme's tools, and calls one", async () => {
    const names = (await acme.listTools()).tools.map((t) => t.name);
    expect(names).toContain('acme__echo');
    expect(names.every((n) => n.startsWith('acme__'))).toBe(true);
    expect(firstText(await acme.callTool({ name: 'acme__echo', arguments: { message: 'from acme' } }))).toBe('Echo: from acme');
  });

  it("lists to tenant globex only its own tools, and refuses it acme's tool", async () => {
    const globex = await connectClient(mcpPort, 'sdk-client', globexToken);
    try {
      const names = (await globex.listTools()).tools.map((t) => t.name);
      expect(names).toContain('globex__echo');
      expect(names.every((n) => n.startsWith('globex__'))).toBe(true);
      expect(firstText(await globex.callTool({ name: 'globex__echo', arguments: { message: 'from globex' } }))).toBe('Echo: from globex');
      const refused = await globex.callTool({ name: 'acme__echo', arguments: { message: 'stolen' } }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).code).toBe(-32003);
      expect((refused as McpError).message).toContain('tool "acme__echo" is not available to tenant "globex"');
    } finally {
      await globex.close();
    }
  });

  it("answers globex presenting acme's session id 404, and acme's session keeps working", async () => {
    const sessionId = sessionIdOf(acme);
    const headers = { authorization: `Bearer ${globexToken}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const list = await post(mcpPort, headers, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(list.status).toBe(404);
    expect(await list.text()).not.toContain('acme__');
    const call = await post(mcpPort, headers, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'acme__echo', arguments: { message: 'hijack' } } });
    expect(call.status).toBe(404);
    const terminate = await fetch(`http://127.0.0.1:${mcpPort}/mcp`, { method: 'DELETE', headers });
    expect(terminate.status).toBe(404);
    expect(firstText(await acme.callTool({ name: 'acme__echo', arguments: { message: 'still mine' } }))).toBe('Echo: still mine');
  });

  it("serves Python's mcp client with a bearer token: it lists its tenant's tools and calls one", async () => {
    const out = await pythonCallTool(`http://127.0.0.1:${mcpPort}/mcp`, globexToken, 'globex__echo', { message: 'from python' });
    expect(out.tools).toContain('globex__echo');
    expect(out.tools.every((n) => n.startsWith('globex__'))).toBe(true);
    expect(out).toMatchObject({ isError: false, text: 'Echo: from python' });
    expect(out.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('records in sluice.calls the verified principal of every call, and never the token', async () => {
    const [acmeRow] = await principalRows(gateway, ACME.id, 'echo');
    expect(acmeRow).toEqual({
      tool: 'echo',
      server: 'acme',
      outcome: 'ok',
      tenant: 'acme',
      principal_user: ACME.id,
      agent: ACME.id,
      roles: ['analyst'],
      scopes: GRANTED,
      auth_method: 'oauth',
      token_id: jwtClaims(acmeToken).jti,
    });
    const globexRows = await principalRows(gateway, GLOBEX.id, 'echo', 3);
    const principal = { tenant: 'globex', principal_user: GLOBEX.id, roles: ['ops', 'oncall'], scopes: GRANTED, auth_method: 'oauth', token_id: jwtClaims(globexToken).jti };
    for (const row of globexRows) expect(row).toMatchObject(principal);
    expect(globexRows.filter((r) => r.server === 'globex' && r.outcome === 'ok')).toHaveLength(2);
    expect(globexRows.find((r) => r.server !== 'globex')).toMatchObject({ server: 'acme', outcome: 'denied' });

    const everything = JSON.stringify([...(await sql(gateway, 'SELECT * FROM sluice.calls')), ...(await sql(gateway, 'SELECT * FROM sluice.events'))]);
    for (const token of [acmeToken, globexToken]) {
      expect(everything).toContain(String(jwtClaims(token).jti));
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.split('.')[2]);
    }
  });
});

describe('identity end to end, Kafka mode: four roles in four processes, the TypeScript and Python clients', () => {
  const tmp = scratch('identity-kafka');
  const procs: GatewayProcess[] = [];
  let provider: OidcProvider;
  let mcpPort: number;

  beforeAll(async () => {
    mcpPort = await freePort();
    provider = await startOidcProvider([ACME, GLOBEX], [SCOPE], `http://127.0.0.1:${mcpPort}/mcp`);
    const prefix = `it-${randomUUID().slice(0, 8)}.`;
    for (const role of ROLES) {
      const adminPort = await freePort();
      const config = writeConfig(
        tmp.dir,
        `${role}.yaml`,
        `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
bus: { kind: kafka, brokers: ["${BROKER}"], topicPrefix: "${prefix}" }
audit: { kind: chdb, path: audit }
log: { level: warn }
${identityConfig(provider)}`,
      );
      procs.push(new GatewayProcess(config, [role], adminPort));
    }
    await Promise.all(procs.map((p) => p.ready(90_000)));
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await provider?.stop();
    tmp.dispose();
  });

  it('carries the verified principal through the bus into sluice.calls', async () => {
    const token = await provider.token(ACME);
    const client = await connectClient(mcpPort, 'sdk-client', token);
    try {
      expect((await client.listTools()).tools.every((t) => t.name.startsWith('acme__'))).toBe(true);
      expect(firstText(await client.callTool({ name: 'acme__echo', arguments: { message: 'over kafka' } }))).toBe('Echo: over kafka');
    } finally {
      await client.close();
    }
    const [row] = await principalRows(procs[ROLES.indexOf('audit-sink')]!, ACME.id, 'echo');
    expect(row).toMatchObject({ server: 'acme', outcome: 'ok', tenant: 'acme', principal_user: ACME.id, roles: ['analyst'], scopes: [SCOPE], auth_method: 'oauth', token_id: jwtClaims(token).jti });
  });

  it("serves Python's mcp client with a token: its tenant's tools only, one call through all four roles, its principal in sluice.calls", async () => {
    const token = await provider.token(GLOBEX);
    const out = await pythonCallTool(`http://127.0.0.1:${mcpPort}/mcp`, token, 'globex__echo', { message: 'python over kafka' });
    expect(out.tools).toContain('globex__echo');
    expect(out.tools.every((n) => n.startsWith('globex__'))).toBe(true);
    expect(out).toMatchObject({ isError: false, text: 'Echo: python over kafka' });

    const audit = procs[ROLES.indexOf('audit-sink')]!;
    const [row] = await principalRows(audit, GLOBEX.id, 'echo');
    expect(row).toEqual({
      tool: 'echo',
      server: 'globex',
      outcome: 'ok',
      tenant: 'globex',
      principal_user: GLOBEX.id,
      agent: GLOBEX.id,
      roles: ['ops', 'oncall'],
      scopes: [SCOPE],
      auth_method: 'oauth',
      token_id: jwtClaims(token).jti,
    });
    // The call's records from ingress, the policy-worker and the router (dispatch, reply), stored by the audit-sink.
    const types = await eventually(
      async () => {
        const rows = await sql<{ type: string }>(
          audit,
          `SELECT DISTINCT type FROM sluice.events WHERE request_id IN
             (SELECT request_id FROM sluice.calls WHERE agent = '${GLOBEX.id}' AND method = 'tools/call' AND tool = 'echo') ORDER BY type`,
        );
        return rows.length >= 4 ? rows.map((r) => r.type) : undefined;
      },
      30_000,
      "the Python call's events",
    );
    expect(types).toEqual(['backend.message', 'client.message', 'dispatch', 'policy.decision']);
  });
});

/** An initialize request body. */
function initialize(): unknown {
  return { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
}

/** POSTs a JSON-RPC message to /mcp with `headers`. */
function post(port: number, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}
