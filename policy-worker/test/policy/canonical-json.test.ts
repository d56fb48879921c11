import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../src/policy/canonical-json.js';
import { parseRecordedInput } from '../../src/policy/input.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null }, é: 'x', Z: true })).toBe('{"Z":true,"a":{"c":null,"d":[3,1]},"b":1,"é":"x"}');
    expect(canonicalJson({ a: 3, 9: 2, 10: 1 })).toBe('{"10":1,"9":2,"a":3}');
  });

  it('gives one text, hence one hash, for equal values built in any key order', () => {
    const one = canonicalJson({ tenant: 't', principal: { user: 'u', roles: ['a'] }, time: 1 });
    const two = canonicalJson({ time: 1, principal: { roles: ['a'], user: 'u' }, tenant: 't' });
    expect(one).toBe(two);
    expect(sha256Hex(one)).toBe(sha256Hex(two));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ time: Number.NaN })).toThrow(expect.objectContaining({ code: 'SLUICE_POLICY_INPUT_INVALID' }));
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(expect.objectContaining({ code: 'SLUICE_POLICY_INPUT_INVALID' }));
  });

  it('reproduces a recorded input exactly, so its hash does not change on replay', () => {
    const json = '{"a":[1,{"b":2,"c":"\\u00e9\\n"}],"kind":"request"}';
    const replayed = parseRecordedInput(json);
    expect(replayed.json).toBe(canonicalJson(JSON.parse(json)));
    expect(parseRecordedInput(replayed.json).hash).toBe(replayed.hash);
    expect(() => parseRecordedInput('[1]')).toThrow(expect.objectContaining({ code: 'SLUICE_POLICY_INPUT_INVALID' }));
  });
});
