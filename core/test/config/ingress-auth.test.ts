import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASYMMETRIC_JWT_ALGORITHMS, parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '/etc/sluice/sluice.yaml';
const HASH = 'a'.repeat(64);
const OAUTH = 'issuer: https://as.example.com, jwksUri: https://as.example.com/jwks';

const failure = (yaml: string, file = FILE): { key: string; message: string } => {
  try {
    parseConfig(yaml, file, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { key: (err as ConfigError).key, message: (err as Error).message };
  }
  throw new Error('expected a configuration error');
};

describe('ingress.auth in the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-auth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a loopback listener unauthenticated by default', () => {
    expect(parseConfig('listen: { host: 127.0.0.1, port: 8080 }', FILE, {}).ingress.auth).toEqual({ oauth: null, apiKeys: null });
  });

  it('refuses a listener on a public address without authentication, naming the key and why', () => {
    const error = failure('listen: { host: 0.0.0.0, port: 8080 }');
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('ingress.auth');
    expect(error.message).toContain('not a loopback address');
  });

  it('fills the OAuth defaults: asymmetric algorithms, 30 s leeway, claims, the issuer as authorization server', () => {
    const { oauth } = parseConfig(`ingress: { auth: { oauth: { ${OAUTH}, requiredScopes: [mcp] } } }`, FILE, {}).ingress.auth;
    expect(oauth).toMatchObject({
      resource: null,
      algorithms: [...ASYMMETRIC_JWT_ALGORITHMS],
      clockToleranceS: 30,
      claims: { tenant: null, user: 'sub', agent: null, roles: 'roles' },
      authorizationServers: ['https://as.example.com'],
      scopesSupported: ['mcp'],
    });
    expect(oauth?.algorithms).not.toContain('none');
    expect(oauth?.algorithms.some((alg) => alg.startsWith('HS'))).toBe(false);
  });

  it.each([
    [`ingress: { auth: { oauth: { ${OAUTH}, algorithms: [HS256] } } }`, 'ingress.auth.oauth.algorithms.0'],
    [`ingress: { auth: { oauth: { ${OAUTH}, algorithms: [none] } } }`, 'ingress.auth.oauth.algorithms.0'],
    [`ingress: { auth: { oauth: { ${OAUTH}, clockToleranceS: 301 } } }`, 'ingress.auth.oauth.clockToleranceS'],
    ['ingress: { auth: { oauth: { issuer: https://as.example.com } } }', 'ingress.auth.oauth'],
    ['ingress: { auth: { oauth: { issuer: http://as.example.com, jwksUri: https://as.example.com/jwks } } }', 'ingress.auth.oauth.issuer'],
    [`listen: { host: 0.0.0.0, port: 8080 }\ningress: { auth: { oauth: { ${OAUTH} } } }`, 'ingress.auth.oauth.resource'],
    [`ingress: { auth: { oauth: { ${OAUTH}, jwksFile: jwks.json } } }`, 'ingress.auth.oauth'],
    [
      'ingress: { auth: { oauth: { issuer: https://as.example.com, introspection: { endpoint: http://as.example.com/introspect, clientId: gw, clientSecret: s } } } }',
      'ingress.auth.oauth.introspection.endpoint',
    ],
    ['ingress: { auth: { oauth: { issuer: https://as.example.com, introspection: { clientId: gw } } } }', 'ingress.auth.oauth.introspection.clientSecret'],
    ['ingress: { auth: { oauth: { issuer: https://as.example.com, introspection: { clientId: gw, clientSecret: "${env:UNSET_SECRET}" } } } }', 'ingress.auth.oauth.introspection.clientSecret'],
    ['ingress: { auth: { apiKeys: { keys: [{ sha256: "not-hex", agent: a }] } } }', 'ingress.auth.apiKeys.keys.0.sha256'],
    [`ingress: { auth: { apiKeys: { keys: [{ sha256: "${HASH}", agent: a }, { sha256: "${HASH}", agent: b }] } } }`, 'ingress.auth.apiKeys.keys.1.sha256'],
  ])('refuses %s at %s', (yaml, key) => {
    expect(failure(yaml).key).toBe(key);
  });

  it('takes introspection without a JWKS, resolves its client secret from the environment and fills its defaults', () => {
    const yaml = 'ingress: { auth: { oauth: { issuer: https://as.example.com, introspection: { clientId: gateway, clientSecret: "${env:INTROSPECTION_SECRET}" } } } }';
    const { oauth } = parseConfig(yaml, FILE, { INTROSPECTION_SECRET: 's3cret' }).ingress.auth;
    expect(oauth).toMatchObject({ jwksUri: null, jwksFile: null, introspection: { endpoint: null, clientId: 'gateway', clientSecret: 's3cret', cacheMaxS: 60, timeoutMs: 5000 } });
  });

  it('reads API keys from a YAML file relative to the config file and merges them', () => {
    writeFileSync(join(dir, 'keys.yaml'), `- { sha256: "${'b'.repeat(64)}", agent: nightly, roles: [batch] }\n`);
    const config = parseConfig(
      `listen: { host: 0.0.0.0, port: 8080 }\ningress: { auth: { apiKeys: { file: keys.yaml, keys: [{ sha256: "${HASH}", agent: a }] } } }`,
      join(dir, 'sluice.yaml'),
      {},
    );
    expect(config.ingress.auth.apiKeys?.keys.map((k) => [k.agent, k.roles, k.tenant])).toEqual([
      ['a', [], null],
      ['nightly', ['batch'], null],
    ]);
  });

  it('names the file and entry of an API key file that is wrong', () => {
    writeFileSync(join(dir, 'bad.yaml'), '- { agent: no-hash }\n');
    const error = failure('ingress: { auth: { apiKeys: { file: bad.yaml } } }', join(dir, 'sluice.yaml'));
    expect(error.key).toBe('ingress.auth.apiKeys.file');
    expect(error.message).toContain('bad.yaml: entry 0');
  });
});
