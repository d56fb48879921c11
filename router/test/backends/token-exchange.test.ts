import type { RunningService } from '@sluice/core';
import { decodeJwt, exportPKCS8, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { TokenExchangeSource } from '../../src/backends/token-exchange.js';
import { startRouter } from '../../src/router.js';
import { jwtVerifier, startAuthorizationServer, startRecordingBackend, type AuthorizationServer, type RecordingBackend } from '../support/auth-servers.js';
import { Harness, toolCall, type DecisionOptions } from '../support/harness.js';
import { withInMemory } from '../support/servers.js';

const AGENT_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.agent-token-that-must-stay-at-the-edge.sig';
const CLIENT = { id: 'sluice-gateway', secret: 'gateway-client-secret' };
const RESOURCE = 'https://tools.example/mcp';
const GATEWAY = 'https://gateway.example';

const as = (user: string | null, agent = 'claude-desktop'): DecisionOptions => ({
  tenant: 'acme',
  principal: { user, agent, roles: ['finance'], scopes: ['mcp'], authMethod: user === null ? 'none' : 'oauth', tokenId: `jti-${user}` },
});

/** A tool call as an agent that pasted its own token into the message would send it. */
function whoami(id: number): Record<string, unknown> {
  return { ...toolCall(id, 'tools__whoami'), params: { name: 'tools__whoami', _meta: { authorization: `Bearer ${AGENT_TOKEN}` } } };
}

const bearers = (backend: RecordingBackend): string[] => backend.seen.flatMap((h) => (h.authorization ? [h.authorization.slice('Bearer '.length)] : []));
const text = (response: { result?: Record<string, unknown> }): unknown => (response.result?.content as { text?: string }[] | undefined)?.[0]?.text;

describe('RFC 8693 token exchange toward a backend', () => {
  let harness: Harness;
  let router: RunningService;
  let server: AuthorizationServer;
  let backend: RecordingBackend;
  let lenient: RecordingBackend;
  let gatewayKey: { privateKey: CryptoKey; publicKey: CryptoKey };
  const backends: Record<string, Backend> = {};

  beforeAll(async () => {
    gatewayKey = await generateKeyPair('ES256', { extractable: true });
    server = await startAuthorizationServer(CLIENT, RESOURCE, 300, { publicKey: gatewayKey.publicKey, assertionIssuer: GATEWAY, refuse: new Set(['mallory']) });
    backend = await startRecordingBackend(jwtVerifier(server.issuer, RESOURCE));
    lenient = await startRecordingBackend(jwtVerifier(server.issuer, RESOURCE));
    const exchange = {
      tokenUrl: `${server.issuer}/token`,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      assertionKey: await exportPKCS8(gatewayKey.privateKey),
      assertionKeyId: 'gateway-1',
      assertionIssuer: GATEWAY,
      scope: 'tools',
      resource: RESOURCE,
    };
    harness = await Harness.create();
    router = await startRouter(
      harness.context({
        tools: { transport: 'streamable-http', url: backend.url, tokenExchange: exchange, timeoutMs: 5_000 },
        lenient: { transport: 'streamable-http', url: lenient.url, tokenExchange: { ...exchange, anonymous: 'gateway' }, timeoutMs: 5_000 },
      }),
      { backoff: { initialMs: 60_000, maxMs: 60_000 }, createBackend: withInMemory({}, backends) },
    );
  });

  afterAll(async () => {
    await router?.stop();
    for (const s of [backend, lenient, server]) await s?.stop();
  });

  it("calls the backend as each caller's user: alice's call as alice, bob's as bob, never with the agent's token", async () => {
    const alice = await harness.call(whoami(1), as('alice'));
    const bob = await harness.call(whoami(2), as('bob', 'cursor'));
    expect(text(alice.response)).toBe('sub: alice');
    expect(text(bob.response)).toBe('sub: bob');
    const [forAlice, forBob] = server.assertions.slice(-2);
    expect(forAlice).toMatchObject({ iss: GATEWAY, sub: 'alice', aud: `${server.issuer}/token`, tenant: 'acme', act: { sub: 'claude-desktop' } });
    expect(forBob).toMatchObject({ sub: 'bob', act: { sub: 'cursor' } });
    expect((forAlice!.exp as number) - (forAlice!.iat as number)).toBeLessThanOrEqual(60);
    expect(forAlice!.roles).toBeUndefined();
    const seen = backend.seen.map((h) => JSON.stringify(h)).join('\n');
    expect(seen).not.toContain(AGENT_TOKEN);
    // The session (initialize, tools/list) runs as the gateway's client, not as any user.
    const session = decodeJwt(bearers(backend)[0]!);
    expect(session.sub).not.toBe('alice');
    expect(session.client_id).toBe(CLIENT.id);
    // No token, the agent's or an exchanged one, is on the bus.
    const onBus = JSON.stringify(harness.produced().map((p) => ({ ...p.event, message: Buffer.from(p.event.message ?? []).toString('utf8') })));
    for (const token of bearers(backend)) expect(onBus).not.toContain(token);
  });

  it('exchanges once per caller: later calls reuse the cached token', async () => {
    const before = server.tokenRequests;
    for (let id = 10; id < 13; id++) expect(text((await harness.call(whoami(id), as('alice'))).response)).toBe('sub: alice');
    expect(text((await harness.call(whoami(13), as('bob', 'cursor'))).response)).toBe('sub: bob');
    expect(server.tokenRequests - before).toBe(0);
    // Another agent of the same user is another caller.
    expect(text((await harness.call(whoami(14), as('alice', 'cursor'))).response)).toBe('sub: alice');
    expect(server.tokenRequests - before).toBe(1);
  });

  it("on a 401 exchanges once more for the same user and runs the call once", async () => {
    const token = bearers(backend).at(-1)!;
    backend.revoke(token);
    const before = { tokens: server.tokenRequests, calls: backend.calls() };
    expect(text((await harness.call(whoami(20), as('alice', 'cursor'))).response)).toBe('sub: alice');
    expect(server.tokenRequests - before.tokens).toBe(1);
    expect(backend.calls() - before.calls).toBe(1);
  });

  it('refuses an anonymous caller with a specific error, before any exchange or backend call', async () => {
    const before = { tokens: server.tokenRequests, calls: backend.calls() };
    const call = await harness.call(whoami(30), as(null));
    expect(call.response.error).toEqual({ code: -32011, message: 'Backend tools is called on behalf of the user, and this request has no verified user' });
    expect(call.event.body).toMatchObject({ outcome: 'error', errorCode: -32011, server: 'tools' });
    expect(server.tokenRequests - before.tokens).toBe(0);
    expect(backend.calls() - before.calls).toBe(0);
  });

  it("calls for an anonymous caller with the gateway's own identity where configured", async () => {
    const call = await harness.call({ ...whoami(31), params: { name: 'lenient__whoami' } }, as(null));
    expect(text(call.response)).not.toMatch(/alice|bob/);
    expect(decodeJwt(bearers(lenient).at(-1)!).client_id).toBe(CLIENT.id);
  });

  it('answers a refused exchange with a specific error and does not run the tool', async () => {
    const before = { calls: backend.calls(), tokens: server.tokenRequests };
    const call = await harness.call({ ...toolCall(40, 'tools__add', { a: 1, b: 2 }) }, as('mallory'));
    expect(call.response.error).toEqual({
      code: -32011,
      message: 'The authorization server refused a token for this user: the token endpoint answered HTTP 400 (invalid_grant)',
    });
    expect(server.tokenRequests - before.tokens).toBe(1);
    expect(backend.calls() - before.calls).toBe(0);
    expect(backends.tools!.status().state).toBe('up');
    expect(text((await harness.call(whoami(41), as('bob', 'cursor'))).response)).toBe('sub: bob');
  });

  it('keeps at most cacheSize tokens and renews one shortly before it expires', async () => {
    let now = Date.now();
    const source = new TokenExchangeSource(
      {
        tokenUrl: `${server.issuer}/token`,
        issuer: null,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        scope: 'tools',
        resource: RESOURCE,
        assertionKey: await exportPKCS8(gatewayKey.privateKey),
        assertionKeyId: null,
        assertionAlg: 'ES256',
        assertionIssuer: GATEWAY,
        anonymous: 'refuse',
        cacheSize: 2,
      },
      { timeoutMs: 5_000, now: () => now },
    );
    const subject = (user: string) => source.forSubject({ tenant: 'acme', principal: { ...as(user).principal!, scopes: [], environment: null, authMethod: 'oauth', tokenId: null } }, 'tools');
    const before = server.tokenRequests;
    const [first, concurrent] = await Promise.all([subject('u1').token(), subject('u1').token()]);
    expect(concurrent).toBe(first);
    await subject('u2').token();
    await subject('u3').token();
    expect(source.size).toBe(2);
    expect(server.tokenRequests - before).toBe(3);
    // u2 is used last, so u3 is the one dropped for u1.
    const u2 = await subject('u2').token();
    expect(await subject('u1').token()).not.toBe(first);
    expect(await subject('u2').token()).toBe(u2);
    expect(server.tokenRequests - before).toBe(4);
    const u3 = await subject('u3').token();
    expect(server.tokenRequests - before).toBe(5);
    now += 269_000;
    expect(await subject('u3').token()).toBe(u3);
    now += 2_000;
    expect(await subject('u3').token()).not.toBe(u3);
  });
});
