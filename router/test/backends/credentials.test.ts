import type { RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { ClientCredentialsTokenSource } from '../../src/backends/oauth-token-source.js';
import { startRouter } from '../../src/router.js';
import { jwtVerifier, startAuthorizationServer, startRecordingBackend, type AuthorizationServer, type RecordingBackend } from '../support/auth-servers.js';
import { Harness, toolCall } from '../support/harness.js';
import { withInMemory } from '../support/servers.js';

const AGENT_TOKEN = 'agent-token-that-must-stay-at-the-edge';
const CLIENT = { id: 'sluice-gateway', secret: 'gateway-client-secret' };
const RESOURCE = 'https://tools.example/mcp';

/** A tool call as an agent that pasted its own credentials into the message would send it. */
function agentCall(id: number, name: string): Record<string, unknown> {
  const call = toolCall(id, name, { message: 'hello' });
  return { ...call, params: { ...(call.params as object), _meta: { authorization: `Bearer ${AGENT_TOKEN}`, headers: { Authorization: `Bearer ${AGENT_TOKEN}` } } } };
}

const headerValues = (backend: RecordingBackend): string[] => backend.seen.flatMap((h) => Object.values(h).flat().map(String));

describe('credentials toward backends', () => {
  let harness: Harness;
  let router: RunningService;
  let as: AuthorizationServer;
  let keyed: RecordingBackend;
  let oauth: RecordingBackend;
  let rejecting: RecordingBackend;
  let wrongAudience: RecordingBackend;
  let open: RecordingBackend;
  let accepting = true;
  const backends: Record<string, Backend> = {};

  beforeAll(async () => {
    process.env.SLUICE_TEST_API_KEY = 'configured-api-key';
    process.env.SLUICE_TEST_CLIENT_SECRET = CLIENT.secret;
    as = await startAuthorizationServer(CLIENT, RESOURCE);
    keyed = await startRecordingBackend(async (h) => h['x-api-key'] === 'configured-api-key');
    oauth = await startRecordingBackend(jwtVerifier(as.issuer, RESOURCE));
    const verify = jwtVerifier(as.issuer, RESOURCE);
    rejecting = await startRecordingBackend(async (h) => accepting && (await verify(h)));
    wrongAudience = await startRecordingBackend(jwtVerifier(as.issuer, 'https://another.example/mcp'));
    open = await startRecordingBackend(async () => true);
    const credentials = { clientId: CLIENT.id, clientSecret: '${env:SLUICE_TEST_CLIENT_SECRET}', scope: 'tools', resource: RESOURCE };
    harness = await Harness.create();
    router = await startRouter(
      harness.context({
        keyed: { transport: 'streamable-http', url: keyed.url, headers: { 'X-Api-Key': '${env:SLUICE_TEST_API_KEY}' }, timeoutMs: 5_000 },
        oauth: { transport: 'streamable-http', url: oauth.url, oauth: { ...credentials, issuer: as.issuer }, timeoutMs: 5_000 },
        rejecting: { transport: 'streamable-http', url: rejecting.url, oauth: { ...credentials, tokenUrl: `${as.issuer}/token` }, timeoutMs: 5_000 },
        wrong: { transport: 'streamable-http', url: wrongAudience.url, oauth: { ...credentials, issuer: as.issuer }, timeoutMs: 5_000 },
        open: { transport: 'streamable-http', url: open.url, timeoutMs: 5_000 },
      }),
      { backoff: { initialMs: 60_000, maxMs: 60_000 }, createBackend: withInMemory({}, backends) },
    );
  });

  afterAll(async () => {
    await router?.stop();
    for (const server of [keyed, oauth, rejecting, wrongAudience, open, as]) await server?.stop();
    delete process.env.SLUICE_TEST_API_KEY;
    delete process.env.SLUICE_TEST_CLIENT_SECRET;
  });

  it('sends only the configured headers: the agent token never reaches a backend', async () => {
    for (const [id, name] of [[1, 'keyed__echo'], [2, 'open__echo'], [3, 'oauth__echo']] as const) {
      const call = await harness.call(agentCall(id, name));
      expect(call.response.result?.content).toEqual([{ type: 'text', text: 'echo: hello' }]);
    }
    for (const backend of [keyed, open, oauth]) {
      const methods = backend.seen.map((h) => h['mcp-session-id'] === undefined ? 'initialize' : 'in-session');
      expect(methods).toContain('initialize');
      expect(methods).toContain('in-session');
      expect(headerValues(backend).join('\n')).not.toContain(AGENT_TOKEN);
    }
    expect(keyed.seen.every((h) => h['x-api-key'] === 'configured-api-key' && h.authorization === undefined)).toBe(true);
    expect(open.seen.every((h) => h.authorization === undefined && h['x-api-key'] === undefined)).toBe(true);
  });

  it('gets a token by client credentials, caches it, and the backend verifies it against the JWKS', async () => {
    const before = as.tokenRequests;
    for (let id = 10; id < 15; id++) expect((await harness.call(toolCall(id, 'oauth__add', { a: id, b: 1 }))).response.result?.content).toEqual([{ type: 'text', text: String(id + 1) }]);
    expect(as.tokenRequests - before).toBe(0);
    expect(new Set(oauth.seen.map((h) => h.authorization)).size).toBe(1);
    expect(oauth.seen.every((h) => h.authorization?.startsWith('Bearer ey'))).toBe(true);
  });

  it('on a 401 fetches one fresh token and sends the refused call again, which runs once', async () => {
    const token = oauth.seen.at(-1)!.authorization!.slice('Bearer '.length);
    oauth.revoke(token);
    const before = { tokens: as.tokenRequests, calls: oauth.calls(), requests: oauth.seen.length };
    const call = await harness.call(toolCall(20, 'oauth__add', { a: 2, b: 3 }));
    expect(call.response.result?.content).toEqual([{ type: 'text', text: '5' }]);
    expect(as.tokenRequests - before.tokens).toBe(1);
    expect(oauth.calls() - before.calls).toBe(1);
    const [refused, retried] = oauth.seen.slice(before.requests).map((h) => h.authorization);
    expect(refused).toBe(`Bearer ${token}`);
    expect(retried).not.toBe(refused);
  });

  it("answers a backend that refuses the gateway's token with a gateway error, never the backend's challenge", async () => {
    accepting = false;
    const before = { tokens: as.tokenRequests, requests: rejecting.seen.length };
    const call = await harness.call(agentCall(30, 'rejecting__echo'));
    expect(call.response.result).toBeUndefined();
    expect(call.response.error?.code).toBe(-32011);
    expect(call.response.error?.message).toBe("Backend rejecting refused the gateway's credentials");
    expect(JSON.stringify(call.response)).not.toMatch(/resource_metadata|WWW-Authenticate|invalid_token/i);
    expect(call.event.body).toMatchObject({ outcome: 'error', errorCode: -32011, server: 'rejecting' });
    expect(as.tokenRequests - before.tokens).toBe(1);
    expect(rejecting.seen.length - before.requests).toBe(2);
    expect(rejecting.calls()).toBe(0);
    expect(backends.rejecting!.status().state).toBe('up');
    expect(headerValues(rejecting).join('\n')).not.toContain(AGENT_TOKEN);
  });

  it('marks a backend that refuses the token at initialize down with the credentials named as the reason', () => {
    expect(backends.wrong!.status()).toMatchObject({ state: 'down', lastError: "Backend wrong refused the gateway's credentials" });
    expect(wrongAudience.seen.length).toBe(2);
    expect(wrongAudience.calls()).toBe(0);
  });
});

describe('a client credentials token source', () => {
  it('reuses a token until shortly before it expires, then gets a new one', async () => {
    const as = await startAuthorizationServer(CLIENT, RESOURCE, 60);
    try {
      let now = Date.now();
      const source = new ClientCredentialsTokenSource(
        { tokenUrl: `${as.issuer}/token`, issuer: null, clientId: CLIENT.id, clientSecret: CLIENT.secret, scope: null, resource: RESOURCE },
        { timeoutMs: 5_000, now: () => now },
      );
      const [first, concurrent] = await Promise.all([source.token(), source.token()]);
      expect(concurrent).toBe(first);
      now += 50_000;
      expect(await source.token()).toBe(first);
      now += 5_000;
      expect(await source.token()).not.toBe(first);
      expect(as.tokenRequests).toBe(2);
      const wrong = new ClientCredentialsTokenSource(
        { tokenUrl: `${as.issuer}/token`, issuer: null, clientId: CLIENT.id, clientSecret: 'not-the-secret', scope: null, resource: RESOURCE },
        { timeoutMs: 5_000 },
      );
      const refused = await wrong.token().catch((err: unknown) => err);
      expect(refused).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_TOKEN_FAILED', message: 'Cannot get an access token: the token endpoint answered HTTP 401 (invalid_client)' });
      expect(String((refused as Error).message)).not.toContain('not-the-secret');
    } finally {
      await as.stop();
    }
  });
});
