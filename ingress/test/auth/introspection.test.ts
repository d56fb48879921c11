import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventOf } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, post } from '../support/http.js';
import { startTestProvider, type TestClient, type TestProvider } from '../support/oidc.js';

const AGENT: TestClient = { id: 'agent-a', secret: 'secret-a-0123456789', claims: { tenant: 'acme', roles: ['reader'] } };
const GATEWAY: TestClient = { id: 'sluice-gateway', secret: 'gateway-secret-0123456789' };
const API_KEY = 'sk-batch-8f3c1e7a9b2d4c6e0f1a3b5c7d9e1f20';
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that was bound and closed: nothing answers there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('opaque access tokens checked at the issuer by token introspection (RFC 7662)', () => {
  let op: TestProvider;
  let h: Harness;

  beforeAll(async () => {
    op = await startTestProvider([AGENT, GATEWAY], ['mcp:tools', 'other'], { accessTokenFormat: 'opaque' });
    h = await startHarness({
      config: {
        auth: {
          oauth: {
            issuer: op.issuer,
            introspection: { clientId: GATEWAY.id, clientSecret: GATEWAY.secret, cacheMaxS: 1 },
            requiredScopes: ['mcp:tools'],
            claims: { tenant: 'tenant' },
          },
          apiKeys: { keys: [{ sha256: createHash('sha256').update(API_KEY).digest('hex'), agent: 'batch-job' }] },
        },
      },
    });
    op.resource = h.url;
  });
  afterAll(async () => {
    await h.stop();
    await op.stop();
  });

  it('serves an opaque token the issuer calls active, with the principal of its claims and never the token on events', async () => {
    const token = await op.token(AGENT, { scope: 'mcp:tools' });
    expect(token).not.toContain('.');
    const response = await post(h.url, initializeRequest(), bearer(token));
    expect(response.status).toBe(200);
    const sessionId = response.headers.get('mcp-session-id');
    await response.text();
    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === sessionId);
    expect(opened.tenant).toBe('acme');
    expect(opened.principal).toMatchObject({ agent: 'agent-a', roles: ['reader'], scopes: ['mcp:tools'], authMethod: 'oauth' });
    expect(opened.principal.tokenId).toBe(`sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`);
    expect(JSON.stringify(opened)).not.toContain(token);
  });

  it('refuses a revoked token once its cached answer lapses', async () => {
    const token = await op.token(AGENT, { scope: 'mcp:tools' });
    const first = await post(h.url, initializeRequest(), bearer(token));
    expect(first.status).toBe(200);
    await first.text();
    await op.revoke(AGENT, token);
    await sleep(1100);
    const after = await post(h.url, initializeRequest(), bearer(token));
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="the token is not active"/);
    await after.text();
  });

  it('refuses a token for another resource, an unknown token and one without the scope; an API key never reaches the issuer', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['another resource', await op.token(AGENT, { resource: 'https://other.example/mcp', scope: 'mcp:tools' }), 401, 'aud'],
      ['made up', 'opaque-token-the-issuer-never-issued', 401, 'not active'],
      ['without the scope', await op.token(AGENT, { scope: 'other' }), 403, 'scope'],
    ];
    for (const [label, token, status, reason] of cases) {
      const response = await post(h.url, initializeRequest(), bearer(token));
      expect(response.status, label).toBe(status);
      expect((await response.json()) as unknown, label).toMatchObject({ error: { message: expect.stringContaining(reason) } });
    }
    const keyed = await post(h.url, initializeRequest(), bearer(API_KEY));
    expect(keyed.status).toBe(200);
    await keyed.text();
  });

  it('answers 503 AUTH_UNAVAILABLE when the introspection endpoint is down or refuses the gateway\'s own credentials', async () => {
    const token = await op.token(AGENT, { scope: 'mcp:tools' });
    const endpoints: Array<[string, Record<string, unknown>]> = [
      ['down', { endpoint: `http://127.0.0.1:${await closedPort()}/token/introspection`, clientId: GATEWAY.id, clientSecret: GATEWAY.secret }],
      ['wrong secret', { clientId: GATEWAY.id, clientSecret: 'not-the-secret' }],
    ];
    for (const [label, introspection] of endpoints) {
      const gateway = await startHarness({ config: { auth: { oauth: { issuer: op.issuer, resource: h.url, introspection } } } });
      try {
        const response = await post(gateway.url, initializeRequest(), bearer(token));
        expect(response.status, label).toBe(503);
        expect((await response.json()) as unknown, label).toMatchObject({ error: { message: expect.stringContaining('introspection endpoint') } });
        expect(gateway.recorded, label).toEqual([]);
      } finally {
        await gateway.stop();
      }
    }
  });
});
