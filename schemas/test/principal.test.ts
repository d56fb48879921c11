import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, decodeEvent, encodeEvent, EVENT_TYPES, type EventType } from '../src/index.js';
import { FULL_SAMPLES } from './samples.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The last version of each type written before the principal carried the credential. */
const BEFORE_CREDENTIAL: Record<EventType, number> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, type === 'registry.snapshot' ? 2 : 1]),
) as Record<EventType, number>;

const fixture = (version: number, type: EventType): Buffer => readFileSync(new URL(`v${version}/${type}.bin`, FIXTURES));

describe('the principal across schema versions', () => {
  it.each(EVENT_TYPES)('%s written before the credential fields reads them as no scopes and nulls', (type) => {
    const version = BEFORE_CREDENTIAL[type];
    const recorded = JSON.parse(readFileSync(new URL(`v${version}/${type}.json`, FIXTURES), 'utf8')) as { principal: object };
    const decoded = decodeEvent(fixture(version, type));
    expect(decoded.schemaVersion).toBe(version);
    expect(decoded.principal).toStrictEqual({ ...recorded.principal, scopes: [], environment: null, authMethod: null, tokenId: null });
  });

  it.each(EVENT_TYPES)('%s written before the credential fields is rewritten with the current schema and its defaults', (type) => {
    const old = decodeEvent(fixture(BEFORE_CREDENTIAL[type], type));
    const again = decodeEvent(encodeEvent(old));
    expect(again.schemaVersion).toBe(CURRENT_SCHEMA_VERSION[type]);
    expect(again.schemaVersion).toBeGreaterThan(BEFORE_CREDENTIAL[type]);
    expect(again).toStrictEqual({ ...old, schemaVersion: again.schemaVersion });
  });

  it.each(EVENT_TYPES)('%s written now keeps the scopes, environment, auth method and token id', (type) => {
    const principal = { ...FULL_SAMPLES[type].principal, scopes: ['a', 'b:c'], environment: 'staging', authMethod: 'api-key' as const, tokenId: 'k-1' };
    expect(decodeEvent(encodeEvent({ ...FULL_SAMPLES[type], principal })).principal).toStrictEqual(principal);
  });

  it('refuses a principal whose credential fields have the wrong type', () => {
    const sample = FULL_SAMPLES['client.message'];
    const bad = { ...sample, principal: { ...sample.principal, scopes: 'tools:call' } };
    expect(() => encodeEvent(bad as unknown as typeof sample)).toThrow(/principal\.scopes/);
  });
});
