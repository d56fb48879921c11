import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type ServerConfig, type TokenExchangeConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-exchange-'));
const FILE = join(dir, 'sluice.yaml');
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
writeFileSync(join(dir, 'gateway-ec.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(dir, 'gateway-ed.jwk'), JSON.stringify(ed.privateKey.export({ format: 'jwk' })));
writeFileSync(join(dir, 'public.pem'), ec.publicKey.export({ type: 'spki', format: 'pem' }));

const EXCHANGE = 'tokenUrl: "https://as.example/token", clientId: gw, clientSecret: "${env:SECRET}"';
const server = (exchange: string, extra = ''): string => `servers:\n  s: { transport: streamable-http, url: "https://tools.example/mcp"${extra}, tokenExchange: { ${EXCHANGE}${exchange} } }\n`;
const parse = (yaml: string): Extract<ServerConfig, { transport: 'streamable-http' }> =>
  parseConfig(yaml, FILE, { SECRET: 'gateway-secret' }).servers.s as Extract<ServerConfig, { transport: 'streamable-http' }>;
const failure = (yaml: string): { key: string; reason: string } => {
  try {
    parse(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { key: (err as ConfigError).key, reason: (err as ConfigError).reason };
  }
  throw new Error('expected a configuration error');
};

describe('servers.<name>.tokenExchange in the configuration', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the key from a path or ${file:}, infers its algorithm, and defaults the issuer and resource', () => {
    const fromPath = parse(server(', assertionKey: gateway-ec.pem')).tokenExchange as TokenExchangeConfig;
    expect(fromPath).toMatchObject({
      clientSecret: 'gateway-secret',
      assertionAlg: 'ES256',
      assertionIssuer: 'gw',
      assertionKeyId: null,
      resource: 'https://tools.example/mcp',
      anonymous: 'refuse',
      cacheSize: 1000,
    });
    expect(fromPath.assertionKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const fromJwk = parse(server(', assertionKey: "${file:gateway-ed.jwk}", assertionKeyId: k1, assertionIssuer: "https://gw.example"')).tokenExchange;
    expect(fromJwk).toMatchObject({ assertionAlg: 'EdDSA', assertionKeyId: 'k1', assertionIssuer: 'https://gw.example' });
  });

  it('refuses a key that cannot sign, and credentials configured twice', () => {
    expect(failure(server(', assertionKey: public.pem'))).toEqual({
      key: 'servers.s.tokenExchange.assertionKey',
      reason: 'is not a private key (PKCS#8 or SEC1 PEM, or a private JWK)',
    });
    expect(failure(server(', assertionKey: gateway-ec.pem, assertionAlg: EdDSA')).reason).toBe('is a P-256 key, which cannot sign EdDSA');
    expect(failure(server(', assertionKey: missing.pem')).reason).toMatch(/^cannot read .*missing\.pem: ENOENT$/);
    expect(failure(server(', assertionKey: gateway-ec.pem', ', oauth: { tokenUrl: "https://as.example/token", clientId: gw, clientSecret: x }'))).toEqual({
      key: 'servers.s.tokenExchange',
      reason: 'set oauth or tokenExchange, not both',
    });
    expect(failure(server(', assertionKey: gateway-ec.pem', ', headers: { Authorization: "Bearer static" }')).reason).toBe(
      'set an Authorization header or tokenExchange, not both',
    );
    const clear = server(', assertionKey: gateway-ec.pem').replace('https://as.example/token', 'http://as.example/token');
    expect(failure(clear).key).toBe('servers.s.tokenExchange.tokenUrl');
  });
});
