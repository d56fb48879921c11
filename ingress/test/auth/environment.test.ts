import { createHash } from 'node:crypto';
import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, post } from '../support/http.js';
import { startTestProvider, type TestClient, type TestProvider } from '../support/oidc.js';

const PROD_AGENT: TestClient = { id: 'prod-agent', secret: 'secret-prod-0123456789', claims: { tenant: 'acme', env: 'production' } };
const PLAIN_AGENT: TestClient = { id: 'plain-agent', secret: 'secret-plain-0123456789', claims: { tenant: 'acme' } };
const STAGING_KEY = 'sk-staging-1b2c3d4e5f60718293a4b5c6d7e8f901';
const PLAIN_KEY = 'sk-plain-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const digest = (key: string): string => createHash('sha256').update(key).digest('hex');
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** Opens a session with `headers` and returns the principal its session.opened and client.message events carry. */
async function environmentsOf(h: Harness, headers: Record<string, string>): Promise<Array<string | null>> {
  const response = await post(h.url, initializeRequest(1, 'env-probe'), headers);
  expect(response.status).toBe(200);
  const session = response.headers.get('mcp-session-id')!;
  await response.text();
  const opened = await h.waitFor((e: SluiceEvent): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === session);
  const message = await h.waitFor((e: SluiceEvent): e is EventOf<'client.message'> => e.type === 'client.message' && e.sessionId === session);
  return [opened.principal.environment, message.principal.environment];
}

describe('the environment of a principal', () => {
  let op: TestProvider;
  let h: Harness;
  const now = (): number => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    op = await startTestProvider([PROD_AGENT, PLAIN_AGENT], ['mcp:tools']);
    h = await startHarness({
      config: {
        environment: 'development',
        auth: {
          oauth: { issuer: op.issuer, jwksUri: op.jwksUri, claims: { tenant: 'tenant', environment: 'env' } },
          apiKeys: {
            keys: [
              { sha256: digest(STAGING_KEY), agent: 'deployer', tenant: 'acme', environment: 'staging' },
              { sha256: digest(PLAIN_KEY), agent: 'batch', tenant: 'acme' },
            ],
          },
        },
      },
    });
    op.resource = h.url;
  });
  afterAll(async () => {
    await h.stop();
    await op.stop();
  });

  it('comes from the token claim named by claims.environment', async () => {
    expect(await environmentsOf(h, bearer(await op.token(PROD_AGENT, { scope: 'mcp:tools' })))).toEqual(['production', 'production']);
  });

  it('comes from the API key entry', async () => {
    expect(await environmentsOf(h, { 'X-API-Key': STAGING_KEY })).toEqual(['staging', 'staging']);
  });

  it('is ingress.environment when the token or the key names none', async () => {
    expect(await environmentsOf(h, bearer(await op.token(PLAIN_AGENT, { scope: 'mcp:tools' })))).toEqual(['development', 'development']);
    expect(await environmentsOf(h, { 'X-API-Key': PLAIN_KEY })).toEqual(['development', 'development']);
  });

  it('binds the session: the same user with a token of another environment cannot use it (404)', async () => {
    const claims = { iss: op.issuer, aud: h.url, sub: 'ci', client_id: 'ci', tenant: 'acme', iat: now(), exp: now() + 300 };
    const staging = await op.sign({ ...claims, env: 'staging', jti: 'staging-token' });
    const production = await op.sign({ ...claims, env: 'production', jti: 'production-token' });
    const opened = await post(h.url, initializeRequest(1), bearer(staging));
    expect(opened.status).toBe(200);
    const session = opened.headers.get('mcp-session-id')!;
    await opened.text();
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    const carried = await post(h.url, ping, { ...bearer(production), 'Mcp-Session-Id': session });
    expect(carried.status).toBe(404);
    await carried.text();
    const own = await post(h.url, ping, { ...bearer(staging), 'Mcp-Session-Id': session });
    expect(own.status).toBe(200);
    await own.text();
  });
});

describe('the environment without authentication', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('is ingress.environment on every event', async () => {
    h = await startHarness({ config: { environment: 'staging' } });
    expect(await environmentsOf(h, {})).toEqual(['staging', 'staging']);
  });

  it('is null by default', async () => {
    h = await startHarness();
    expect(await environmentsOf(h, {})).toEqual([null, null]);
  });
});
