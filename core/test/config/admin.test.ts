import { describe, expect, it } from 'vitest';
import { parseConfig, type Environment } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const FILE = '/etc/sluice/sluice.yaml';
const TOKEN = 'k3y-0f-at-least-16-chars';

const failure = (yaml: string, env: Environment = {}): ConfigError => {
  try {
    parseConfig(yaml, FILE, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a configuration error');
};

describe('admin credentials in the configuration', () => {
  it('reads admin.oauth with its defaults: the tenant from the tenant claim, roles from roles, asymmetric algorithms', () => {
    const config = parseConfig('admin: { oauth: { issuer: "https://id.example", jwksFile: keys.json, audience: "https://gw.example/admin" } }', FILE, {});
    expect(config.admin.oauth).toMatchObject({
      jwksFile: '/etc/sluice/keys.json',
      clockToleranceS: 30,
      claims: { tenant: 'tenant', roles: 'roles', user: 'sub', agent: null },
    });
    expect(config.admin.oauth?.algorithms).not.toContain('HS256');
    expect(parseConfig('{}', FILE, {}).admin.oauth).toBeNull();
  });

  it('defaults to a token file under dataDir, resolved against the config file', () => {
    const config = parseConfig('dataDir: state', FILE, {});
    expect(config.dataDir).toBe('/etc/sluice/state');
    expect(config.admin.credentials).toEqual({ kind: 'file', path: '/etc/sluice/state/admin-token', create: true });
  });

  it('uses a configured token file as is, without making one', () => {
    const config = parseConfig('admin: { tokenFile: secrets/admin }', FILE, {});
    expect(config.admin.credentials).toEqual({ kind: 'file', path: '/etc/sluice/secrets/admin', create: false });
  });

  it('reads the token from the environment variable named by admin.tokenEnv', () => {
    const config = parseConfig('admin: { tokenEnv: SLUICE_ADMIN_TOKEN }', FILE, { SLUICE_ADMIN_TOKEN: ` ${TOKEN}\n` });
    expect(config.admin.credentials).toEqual({ kind: 'env', name: 'SLUICE_ADMIN_TOKEN', token: TOKEN });
  });

  it.each(['127.0.0.1', 'localhost', '::1', '127.0.0.2'])('accepts admin.auth: none on the loopback address %s', (host) => {
    const config = parseConfig(`admin: { host: "${host}", auth: none }`, FILE, {});
    expect(config.admin.credentials).toEqual({ kind: 'none' });
  });

  it.each([
    ['admin: { host: 0.0.0.0, auth: none }', {}, 'admin.auth', 'none is allowed only when admin.host is a loopback address (it is 0.0.0.0)'],
    ['admin: { host: 10.0.0.5, auth: none }', {}, 'admin.auth', 'only when admin.host is a loopback address'],
    ['admin: { auth: none, tokenFile: t }', {}, 'admin.auth', 'must not be set'],
    ['admin: { auth: maybe }', {}, 'admin.auth', 'must be one of token, none'],
    ['admin: { tokenFile: t, tokenEnv: T }', { T: TOKEN }, 'admin.tokenEnv', 'not both'],
    ['admin: { tokenEnv: SLUICE_ADMIN_TOKEN }', {}, 'admin.tokenEnv', 'the environment variable SLUICE_ADMIN_TOKEN is not set'],
    ['admin: { tokenEnv: T }', { T: 'short' }, 'admin.tokenEnv', 'must hold at least 16 characters'],
    ['admin: { tokenEnv: T }', { T: 'has spaces in the middle' }, 'admin.tokenEnv', 'without spaces'],
    ['admin: { tokenEnv: "A-B" }', {}, 'admin.tokenEnv', 'must match pattern'],
    ['admin: { metrics: public }', {}, 'admin.metrics', 'must be one of token, open'],
    ['admin: { allowedHosts: ["http://x.example"] }', {}, 'admin.allowedHosts.0', 'is not a host name or host:port'],
    ['admin: { allowedOrigins: ["x.example"] }', {}, 'admin.allowedOrigins.0', 'is not an origin'],
    ['ingress: { allowedHosts: ["ok.example", "a b"] }', {}, 'ingress.allowedHosts.1', 'is not a host name or host:port'],
    ['admin: { oauth: { issuer: "https://id.example", jwksUri: "https://id.example/jwks" } }', {}, 'admin.oauth.audience', 'required'],
    ['admin: { auth: none, oauth: { issuer: "https://id.example", jwksUri: "https://id.example/jwks", audience: a } }', {}, 'admin.oauth', 'admin.auth is none'],
    ['admin: { oauth: { issuer: "https://id.example", audience: a } }', {}, 'admin.oauth', 'exactly one of jwksUri and jwksFile'],
    ['admin: { oauth: { issuer: "http://id.example", jwksFile: k.json, audience: a } }', {}, 'admin.oauth.issuer', 'must be https'],
    ['admin: { oauth: { issuer: "https://id.example", jwksUri: "https://id.example/jwks", audience: a, algorithms: [HS256] } }', {}, 'admin.oauth.algorithms.0', 'must be one of RS256'],
    [
      'ingress: { auth: { oauth: { issuer: "https://id.example", jwksUri: "https://id.example/jwks", resource: "https://gw.example/mcp" } } }\nadmin: { oauth: { issuer: "https://id.example", jwksUri: "https://id.example/jwks", audience: "https://gw.example/mcp" } }',
      {},
      'admin.oauth.audience',
      'must differ from ingress.auth.oauth.resource',
    ],
  ] as const)('refuses %j naming file, key and reason', (yaml, env, key, reason) => {
    const err = failure(yaml, env);
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.key).toBe(key);
    expect(err.reason).toContain(reason);
    expect(err.message).toContain(`${FILE}: ${key}: `);
  });
});
