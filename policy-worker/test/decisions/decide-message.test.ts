import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decideMessage } from '../../src/decisions/decide-message.js';
import { decide } from '../../src/policy/decide.js';
import { loadBundleEngine, loadPolicyEngine, type PolicyEngine } from '../../src/policy/engine.js';
import { parseRecordedInput } from '../../src/policy/input.js';
import { RegistryView } from '../../src/registry/registry-view.js';
import { OPEN_ACCESS, PRINCIPAL, SERVERS, requestEvent, toolCall } from '../support/events.js';
import { buildBundle } from '../support/opa.js';

describe('policy.decision events', () => {
  let engine: PolicyEngine;
  const registry = new RegistryView(OPEN_ACCESS);
  registry.update({ servers: SERVERS });

  beforeAll(async () => {
    engine = await loadPolicyEngine({ bundle: null, enabled: true });
  });

  it('carry the client envelope, the message bytes, the revision, the request time and a hash of the input', () => {
    const request = toolCall('files__read', { time: 1_760_000_000_123 });
    const decision = decideMessage(request, registry, engine);
    expect(decision.type).toBe('policy.decision');
    expect(decision.id).not.toBe(request.id);
    expect(Buffer.from(decision.message!).equals(Buffer.from(request.message!))).toBe(true);
    expect(decision).toMatchObject({
      tenant: request.tenant,
      principal: request.principal,
      sessionId: request.sessionId,
      requestId: request.requestId,
    });
    expect(decision.body).toMatchObject({
      revision: engine.revision,
      requestTime: 1_760_000_000_123,
      jsonrpcId: request.body.jsonrpcId,
      method: 'tools/call',
    });
    expect(decision.body.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(decision.body.inputHash).toBe(createHash('sha256').update(decision.body.input).digest('hex'));
  });

  it('record the input every fact the decision used, with sorted keys', () => {
    const decision = decideMessage(toolCall('files__read', { time: 7 }), registry, engine);
    expect(JSON.parse(decision.body.input)).toEqual({
      kind: 'request',
      method: 'tools/call',
      tool: 'files__read',
      resolved: { server: 'files', tool: 'read', status: 'up', tenants: null, environments: null, roles: null },
      tenant: 'acme',
      principal: { user: 'ada', agent: 'claude', roles: ['dev'], scopes: ['tools:call'], environment: 'production', authMethod: 'oauth', tokenId: 'jti-0001' },
      session: 'session-1',
      time: 7,
    });
    const keys = [...decision.body.input.matchAll(/"([a-z]+)":/g)].map((m) => m[1]);
    expect(keys.slice(0, 3)).toEqual(['kind', 'method', 'principal']);
  });

  it('give the same input hash for the same facts, and a different one when a fact changes', () => {
    const a = decideMessage(toolCall('files__read', { time: 5 }), registry, engine).body.inputHash;
    const b = decideMessage(toolCall('files__read', { time: 5 }), registry, engine).body.inputHash;
    const c = decideMessage(toolCall('files__read', { time: 6 }), registry, engine).body.inputHash;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    const credentials = [{ scopes: [] }, { environment: 'staging' }, { authMethod: 'api-key' as const }, { tokenId: 'jti-0002' }];
    const others = credentials.map((change) => decideMessage(toolCall('files__read', { time: 5, principal: { ...PRINCIPAL, ...change } }), registry, engine).body.inputHash);
    expect(new Set([a, ...others]).size).toBe(1 + credentials.length);
  });

  it('replay: an input recorded before the principal carried a credential keeps its hash and decision', () => {
    const now = decideMessage(toolCall('files__read', { time: 7 }), registry, engine).body;
    const recorded =
      '{"kind":"request","method":"tools/call","principal":{"agent":"claude","roles":["dev"],"user":"ada"},' +
      '"resolved":{"server":"files","status":"up","tool":"read"},"session":"session-1","tenant":"acme","time":7,"tool":"files__read"}';
    const input = parseRecordedInput(recorded);
    expect(input.json).toBe(recorded);
    expect(input.hash).toBe(createHash('sha256').update(recorded).digest('hex'));
    expect(input.hash).not.toBe(now.inputHash);
    expect(decide(engine, input)).toEqual({ allow: now.allow, reason: now.reason });
  });

  it('replay: a recorded input through the same bundle gives the recorded decision', async () => {
    const requests = [toolCall('files__read'), toolCall('nope'), toolCall('broken__fix'), requestEvent('ping'), requestEvent('notifications/cancelled', {}, { id: null })];
    const recorded = requests.map((r) => decideMessage(r, registry, engine).body);
    const reloaded = await loadPolicyEngine({ bundle: null, enabled: true });
    for (const body of recorded) {
      const input = parseRecordedInput(body.input);
      expect(input.hash).toBe(body.inputHash);
      expect(decide(reloaded, input)).toEqual({ allow: body.allow, reason: body.reason });
    }
    expect(recorded.map((b) => b.allow)).toEqual([true, false, false, true, true]);
  });

  it('change with a custom bundle, and record its revision', async () => {
    const bundle = await buildBundle('package sluice.authz\n\ndecision := {"allow": false, "reason": "nothing is allowed"}\n', { revision: 'deny-all' });
    const denyAll = await loadBundleEngine(bundle);
    const { body } = decideMessage(toolCall('files__read'), registry, denyAll);
    expect(body).toMatchObject({ allow: false, reason: 'nothing is allowed', revision: 'deny-all', server: 'files', tool: 'read' });
    expect(decideMessage(requestEvent('ping'), registry, denyAll).body.allow).toBe(false);
  }, 60_000);
});
