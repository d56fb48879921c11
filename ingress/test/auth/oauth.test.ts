import { createHash } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { EventOf } from '@sluice/schemas';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, post } from '../support/http.js';
import { startTestProvider, type TestClient, type TestProvider } from '../support/oidc.js';

const AGENT_A: TestClient = { id: 'agent-a', secret: 'secret-a-0123456789', claims: { tenant: 'acme', roles: ['reader', 'writer'] } };
const AGENT_B: TestClient = { id: 'agent-b', secret: 'secret-b-0123456789', claims: { tenant: 'acme' } };
const API_KEY = 'sk-batch-8f3c1e7a9b2d4c6e0f1a3b5c7d9e1f20';
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

describe('authentication at the ingress with a real OpenID Provider', () => {
  let op: TestProvider;
  let h: Harness;
  let tokenA: string;
  const now = (): number => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    op = await startTestProvider([AGENT_A, AGENT_B], ['mcp:tools', 'other']);
    h = await startHarness({
      config: {
        auth: {
          oauth: { issuer: op.issuer, jwksUri: op.jwksUri, requiredScopes: ['mcp:tools'], claims: { tenant: 'tenant' } },
          apiKeys: { keys: [{ sha256: createHash('sha256').update(API_KEY).digest('hex'), agent: 'batch-job', user: 'ops', tenant: 'acme', roles: ['batch'] }] },
        },
      },
    });
    op.resource = h.url;
    tokenA = await op.token(AGENT_A, { scope: 'mcp:tools' });
  });
  afterAll(async () => {
    await h.stop();
    await op.stop();
  });

  it('answers a request without credentials 401 with the protected resource metadata URL, and serves that document', async () => {
    const origin = new URL(h.url).origin;
    for (const method of ['POST', 'GET', 'DELETE']) {
      const response = await fetch(h.url, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: method === 'POST' ? JSON.stringify(initializeRequest()) : undefined });
      expect(response.status, method).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(`Bearer scope="mcp:tools", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`);
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringContaining('Unauthorized') } });
    }
    expect(h.recorded).toEqual([]);
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const prm = await fetch(origin + path);
      expect(prm.status).toBe(200);
      expect(await prm.json()).toEqual({
        resource: h.url,
        authorization_servers: [op.issuer],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
      });
    }
  });

  it('refuses forged, expired, misdirected and unsigned tokens with 401 invalid_token', async () => {
    const { privateKey: strangerKey } = await generateKeyPair('RS256');
    const claims = { iss: op.issuer, aud: h.url, sub: 'agent-a', client_id: 'agent-a', scope: 'mcp:tools', iat: now(), exp: now() + 300 };
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const hs256 = await op.sign(claims, { alg: 'HS256', key: new TextEncoder().encode('a-shared-secret-of-32-bytes-long!') });
    const cases: Array<[string, string, string]> = [
      ['wrong audience', await op.sign({ ...claims, aud: 'http://127.0.0.1:1/mcp' }), 'aud'],
      ['a token the OP issued for another resource', await op.token(AGENT_A, { resource: 'https://other.example/mcp', scope: 'mcp:tools' }), 'aud'],
      ['wrong issuer', await op.sign({ ...claims, iss: 'https://evil.example' }), 'iss'],
      ['expired past the leeway', await op.sign({ ...claims, iat: now() - 600, exp: now() - 31 }), 'expired'],
      ['not yet valid', await op.sign({ ...claims, nbf: now() + 120 }), 'nbf'],
      ['signed by another key under the same kid', await op.sign(claims, { key: strangerKey }), 'signature'],
      ['alg none', unsigned, ''],
      ['HS256 with a guessed secret', hs256, 'algorithm'],
      ['not a JWT', 'not-a-jwt-and-not-a-key', 'API key'],
    ];
    for (const [label, token, reason] of cases) {
      const response = await post(h.url, initializeRequest(), bearer(token));
      expect(response.status, label).toBe(401);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge, label).toMatch(/^Bearer error="invalid_token", /);
      expect(challenge, label).toContain('resource_metadata="');
      expect((await response.json()) as unknown, label).toMatchObject({ error: { message: expect.stringContaining(reason) } });
    }
    expect(h.recorded).toEqual([]);
  });

  it('answers a valid token without the required scope 403 insufficient_scope', async () => {
    const token = await op.token(AGENT_B, { scope: 'other' });
    const response = await post(h.url, initializeRequest(), bearer(token));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="/);
    await response.text();
  });

  it('serves the MCP SDK client with a token from the OP, and records the verified principal on its events', async () => {
    const client = new Client({ name: 'self-declared-name', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(h.url), { requestInit: { headers: bearer(tokenA) } });
    await client.connect(transport);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: '{"text":"hi"}' }]);
    const sessionId = transport.sessionId;
    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === sessionId);
    const call = await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.sessionId === sessionId && e.body.method === 'tools/call');
    for (const event of [opened, call]) {
      expect(event.tenant).toBe('acme');
      expect(event.principal).toMatchObject({ user: 'agent-a', agent: 'agent-a', roles: ['reader', 'writer'], authMethod: 'oauth' });
      expect(event.principal.scopes).toContain('mcp:tools');
      expect(event.principal.tokenId).toMatch(/\S/);
      expect(JSON.stringify(event)).not.toContain(tokenA);
    }
    await transport.terminateSession();
    await client.close();
  });

  it('answers another principal presenting a session id 404 on POST, GET and DELETE, and keeps the session for its owner', async () => {
    const opened = await post(h.url, initializeRequest(), bearer(tokenA));
    const sessionId = opened.headers.get('mcp-session-id')!;
    await opened.text();
    expect(sessionId).toMatch(/^[0-9a-f]{64}$/);
    const owner = { ...bearer(tokenA), 'Mcp-Session-Id': sessionId };
    expect((await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, owner)).status).toBe(202);

    const tokenB = await op.token(AGENT_B, { scope: 'mcp:tools' });
    const thieves: Array<[string, Record<string, string>]> = [
      ['agent-b', bearer(tokenB)],
      ['an API key', { 'X-API-Key': API_KEY }],
    ];
    const unknown = { 'Mcp-Session-Id': 'f'.repeat(64) };
    for (const [label, credentials] of thieves) {
      const stolen = { ...credentials, 'Mcp-Session-Id': sessionId };
      const asUnknown = await post(h.url, { jsonrpc: '2.0', id: 5, method: 'ping' }, { ...credentials, ...unknown });
      const call = await post(h.url, { jsonrpc: '2.0', id: 5, method: 'ping' }, stolen);
      expect(call.status, label).toBe(404);
      expect(await call.text(), label).toBe(await asUnknown.text());
      const get = await fetch(h.url, { headers: { ...stolen, Accept: 'text/event-stream' } });
      expect(get.status, label).toBe(404);
      await get.text();
      const del = await fetch(h.url, { method: 'DELETE', headers: stolen });
      expect(del.status, label).toBe(404);
      await del.text();
    }
    const asOwner = await post(
      h.url,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { still: 'mine' } } },
      { ...owner, 'MCP-Protocol-Version': '2025-11-25' },
    );
    expect(asOwner.status).toBe(200);
    expect(await asOwner.json()).toMatchObject({ id: 7, result: { content: [{ text: '{"still":"mine"}' }] } });
    const freshToken = await op.token(AGENT_A, { scope: 'mcp:tools' });
    expect(freshToken).not.toBe(tokenA);
    const del = await fetch(h.url, { method: 'DELETE', headers: { ...bearer(freshToken), 'Mcp-Session-Id': sessionId } });
    expect(del.status).toBe(200);
  });

  it('serves an API key as Bearer or X-API-Key with its configured principal, and refuses a wrong key 401', async () => {
    for (const credentials of [bearer(API_KEY), { 'X-API-Key': API_KEY }]) {
      const opened = await post(h.url, initializeRequest(1, 'batch-client'), credentials);
      expect(opened.status).toBe(200);
      const sessionId = opened.headers.get('mcp-session-id');
      await opened.text();
      const event = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === sessionId);
      expect(event.tenant).toBe('acme');
      expect(event.principal).toEqual({
        user: 'ops',
        agent: 'batch-job',
        roles: ['batch'],
        scopes: [],
        environment: null,
        authMethod: 'api-key',
        tokenId: `sha256:${createHash('sha256').update(API_KEY).digest('hex').slice(0, 12)}`,
      });
    }
    for (const credentials of [bearer(`${API_KEY}x`), { 'X-API-Key': 'sk-guess' }]) {
      const refused = await post(h.url, initializeRequest(), credentials);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await refused.json()).toMatchObject({ error: { message: 'Unauthorized: unknown API key' } });
    }
  });

  it('counts sessions per principal: one principal at its cap does not block another from the same address', async () => {
    const capped = await startHarness({
      config: {
        sessions: { maxPerAddress: 2 },
        auth: { oauth: { issuer: op.issuer, jwksUri: op.jwksUri, resource: h.url } },
      },
    });
    try {
      const tokenB = await op.token(AGENT_B, { scope: 'mcp:tools' });
      const statuses = [];
      for (const token of [tokenA, tokenA, tokenA, tokenB]) {
        const response = await post(capped.url, initializeRequest(), bearer(token));
        statuses.push(response.status);
        await response.text();
      }
      expect(statuses).toEqual([200, 200, 429, 200]);
    } finally {
      await capped.stop();
    }
  });
});
