import type { Principal } from '@sluice/schemas';
import { describe, expect, it } from 'vitest';
import { preparedInputFor } from '../../src/decisions/policy-input.js';
import { canonicalJson, sha256Hex } from '../../src/policy/canonical-json.js';
import { prepareInput } from '../../src/policy/input.js';
import { RegistryView, type ServerAccess } from '../../src/registry/registry-view.js';
import { SERVERS, requestEvent, toolCall } from '../support/events.js';

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Quotes, escapes, control characters, non-ASCII, astral and lone surrogates: everything JSON.stringify escapes or keeps.
const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '😀', '\ud800', '\udfff', 'ß', '_', '-', '.'];

describe('the policy input serialized from parts', () => {
  it('is the canonical JSON of the input, hence the same hash, for many random inputs', () => {
    const next = random(20_240_601);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const text = (): string => Array.from({ length: Math.floor(next() * 8) }, () => pick(ALPHABET)).join('');
    const maybe = (): string | null => (next() < 0.3 ? null : text());
    const names = (): string[] => Array.from({ length: Math.floor(next() * 4) }, text);
    const access = (): ServerAccess => ({
      tenants: next() < 0.4 ? null : names(),
      environments: next() < 0.4 ? null : names(),
      roles: next() < 0.4 ? null : names(),
    });
    const principal = (): Principal => ({
      user: maybe(),
      agent: maybe(),
      roles: names(),
      scopes: names(),
      environment: maybe(),
      authMethod: pick([null, 'oauth', 'api-key', 'none'] as const),
      tokenId: maybe(),
    });
    const changedField = (p: Principal): Principal => {
      const field = pick(['user', 'agent', 'roles', 'scopes', 'environment', 'tokenId'] as const);
      return field === 'roles' || field === 'scopes' ? { ...p, [field]: names() } : { ...p, [field]: maybe() };
    };
    let registry = new RegistryView({ files: access(), broken: access() });
    registry.update({ servers: SERVERS });
    let shared = principal();
    for (let i = 0; i < 3000; i++) {
      if (i % 200 === 0) {
        registry = new RegistryView({ files: access(), broken: access() });
        registry.update({ servers: next() < 0.2 ? [] : SERVERS });
      }
      // Runs of one principal (a session's messages) and changes of one field at a time, as well as new ones.
      if (next() < 0.3) shared = next() < 0.5 ? principal() : changedField(shared);
      const options = { principal: shared, tenant: text(), session: text(), time: Math.floor(next() * 2 ** 45) };
      const event =
        next() < 0.7
          ? toolCall(pick(['files__read', 'files__write', 'broken__fix', 'nothing', text()]), options)
          : requestEvent(pick(['tools/list', 'initialize', text()]), {}, { ...options, id: next() < 0.2 ? null : i });
      const prepared = preparedInputFor(event, registry);
      const plain = prepareInput(structuredClone(prepared.value));
      expect(prepared.json, `input ${i}`).toBe(canonicalJson(prepared.value));
      expect(prepared.json).toBe(plain.json);
      expect(prepared.hash).toBe(plain.hash);
      expect(prepared.hash).toBe(sha256Hex(prepared.json));
    }
  });

  it('follows a new registry snapshot and a change of principal between messages', () => {
    const registry = new RegistryView({ files: { tenants: ['acme'], environments: null, roles: ['dev'] }, broken: { tenants: null, environments: null, roles: null } });
    registry.update({ servers: SERVERS });
    const first = preparedInputFor(toolCall('files__read'), registry);
    expect(JSON.parse(first.json)).toMatchObject({ resolved: { server: 'files', tenants: ['acme'], roles: ['dev'] }, principal: { user: 'ada' } });
    registry.update({ servers: [] });
    const second = preparedInputFor(toolCall('files__read', { principal: { ...first.value.principal, user: 'bob', roles: ['ops'] } }), registry);
    expect(JSON.parse(second.json)).toMatchObject({ resolved: null, principal: { user: 'bob', roles: ['ops'] } });
    expect(second.json).toBe(canonicalJson(second.value));
  });
});
