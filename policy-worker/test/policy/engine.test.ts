import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundleEngine, loadPolicyEngine } from '../../src/policy/engine.js';
import { prepareInput, type PolicyInput } from '../../src/policy/input.js';
import { buildBundle, opaPath } from '../support/opa.js';

const call: PolicyInput = {
  kind: 'request',
  method: 'tools/call',
  tool: 'files__read',
  resolved: { server: 'files', tool: 'read', status: 'up', tenants: null, environments: null, roles: null },
  tenant: 'acme',
  principal: { user: 'ada', agent: null, roles: [], scopes: [], environment: null, authMethod: null, tokenId: null },
  session: 's1',
  time: 1,
};

describe('policy engine', () => {
  beforeAll(async () => {
    await opaPath();
  }, 900_000);

  it('allows everything with revision none when policy is disabled', async () => {
    const engine = await loadPolicyEngine({ bundle: '/nonexistent/bundle.tar.gz', enabled: false });
    expect(engine.revision).toBe('none');
    expect(engine.evaluate(prepareInput({ ...call, resolved: null }))).toEqual({ allow: true, reason: 'policy disabled' });
  });

  it('uses the bundle from config', async () => {
    const bundle = await buildBundle('package sluice.authz\n\ndecision := {"allow": false, "reason": "closed for maintenance"}\n', {
      revision: 'deny-all-1',
    });
    const engine = await loadPolicyEngine({ bundle, enabled: true });
    expect(engine.revision).toBe('deny-all-1');
    expect(engine.evaluate(prepareInput(call))).toEqual({ allow: false, reason: 'closed for maintenance' });
  });

  it('lets a policy decide on the principal and the time in the input', async () => {
    const bundle = await buildBundle(
      [
        'package sluice.authz',
        'decision := {"allow": true, "reason": "admin"} if "admin" in input.principal.roles',
        'else := {"allow": false, "reason": concat("", ["not before ", format_int(input.time, 10)])}',
      ].join('\n'),
    );
    const engine = await loadBundleEngine(bundle);
    expect(engine.revision).toMatch(/^wasm-[0-9a-f]{12}$/);
    expect(engine.evaluate(prepareInput({ ...call, principal: { ...call.principal, roles: ['admin'] } }))).toEqual({
      allow: true,
      reason: 'admin',
    });
    expect(engine.evaluate(prepareInput({ ...call, time: 42 }))).toEqual({ allow: false, reason: 'not before 42' });
  });

  it('lets a policy decide on the credential: scopes, environment, auth method and token id', async () => {
    const bundle = await buildBundle(
      [
        'package sluice.authz',
        'revoked := {"jti-stolen"}',
        'decision := {"allow": false, "reason": "token revoked"} if input.principal.tokenId in revoked',
        'else := {"allow": true, "reason": concat(" ", [input.principal.authMethod, input.principal.environment])} if "tools:call" in input.principal.scopes',
        'else := {"allow": false, "reason": "missing scope tools:call"}',
      ].join('\n'),
    );
    const engine = await loadBundleEngine(bundle);
    const principal: PolicyInput['principal'] = { ...call.principal, scopes: ['tools:call'], environment: 'staging', authMethod: 'api-key', tokenId: 'jti-1' };
    expect(engine.evaluate(prepareInput({ ...call, principal }))).toEqual({ allow: true, reason: 'api-key staging' });
    expect(engine.evaluate(prepareInput({ ...call, principal: { ...principal, tokenId: 'jti-stolen' } }))).toEqual({ allow: false, reason: 'token revoked' });
    expect(engine.evaluate(prepareInput({ ...call, principal: { ...principal, scopes: ['tools:list'] } }))).toEqual({
      allow: false,
      reason: 'missing scope tools:call',
    });
  });

  it('denies when the policy gives no decision or a malformed one', async () => {
    const none = await loadBundleEngine(await buildBundle('package sluice.authz\n\ndecision := {"allow": true, "reason": "x"} if input.never\n'));
    expect(none.evaluate(prepareInput(call))).toEqual({ allow: false, reason: 'policy gave no decision' });
    const malformed = await loadBundleEngine(await buildBundle('package sluice.authz\n\ndecision := true\n'));
    expect(malformed.evaluate(prepareInput(call)).allow).toBe(false);
    expect(malformed.evaluate(prepareInput(call)).reason).toContain('malformed');
  });

  it('rejects a missing bundle with an error naming the file', async () => {
    const file = join(tmpdir(), 'no-such-dir', 'bundle.tar.gz');
    await expect(loadPolicyEngine({ bundle: file, enabled: true })).rejects.toMatchObject({
      code: 'SLUICE_POLICY_BUNDLE_UNREADABLE',
      retriable: false,
      message: expect.stringContaining(file),
    });
  });

  it('rejects a corrupt bundle with an error naming the file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sluice-policy-')), 'corrupt.tar.gz');
    await writeFile(file, 'not a bundle');
    await expect(loadPolicyEngine({ bundle: file, enabled: true })).rejects.toMatchObject({
      code: 'SLUICE_POLICY_BUNDLE_INVALID',
      message: expect.stringContaining(file),
    });
  });

  it('rejects a bundle built for another entrypoint', async () => {
    const bundle = await buildBundle('package other\n\nallow := true\n', { entrypoint: 'other/allow' });
    await expect(loadBundleEngine(bundle)).rejects.toMatchObject({
      code: 'SLUICE_POLICY_BUNDLE_INVALID',
      message: expect.stringContaining('sluice/authz/decision'),
    });
  });
});
