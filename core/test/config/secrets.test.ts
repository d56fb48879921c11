import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STDIO_BASE_ENV, parseConfig, type ServerConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'sluice.yaml');
writeFileSync(join(dir, 'api-key'), 'key-from-file\n');
writeFileSync(join(dir, 'client-secret'), 'secret-from-file\n\n');

const env = { PATH: '/usr/bin', HOME: '/home/gw', API_TOKEN: 'token-from-env', SLUICE_TEST_SECRET: 'gateway-only', BASH_FUNC_x: '() { :; }' };

function server(yaml: string, environment: Record<string, string | undefined> = env): ServerConfig {
  return parseConfig(`servers:\n  s: ${yaml}\n`, file, environment).servers.s as ServerConfig;
}

function failure(yaml: string): ConfigError {
  try {
    server(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a configuration error');
}

describe('secret references in server configuration', () => {
  it('resolves ${env:} and ${file:} (relative to the config file, one trailing newline cut) in headers', () => {
    const s = server('{ transport: streamable-http, url: "https://h/mcp", headers: { Authorization: "Bearer ${env:API_TOKEN}", X-Key: "${file:api-key}" } }');
    expect(s).toMatchObject({ headers: { Authorization: 'Bearer token-from-env', 'X-Key': 'key-from-file' } });
  });

  it('resolves the OAuth client secret, keeping all but one trailing newline', () => {
    const s = server('{ transport: streamable-http, url: "https://h/mcp", oauth: { tokenUrl: "https://as/token", clientId: gw, clientSecret: "${file:client-secret}" } }');
    expect(s.transport === 'streamable-http' && s.oauth).toEqual({
      tokenUrl: 'https://as/token',
      issuer: null,
      clientId: 'gw',
      clientSecret: 'secret-from-file\n',
      scope: null,
      resource: null,
    });
  });

  it('names file, key and reason for a missing variable or file, without any resolved value', () => {
    const missing = failure('{ transport: stdio, command: x, env: { TOKEN: "${env:NOT_SET_ANYWHERE}" } }');
    expect(missing).toMatchObject({ file, key: 'servers.s.env.TOKEN', reason: 'the environment variable NOT_SET_ANYWHERE is not set' });
    const absent = failure('{ transport: streamable-http, url: "https://h/", headers: { X-Key: "${file:nope}" } }');
    expect(absent).toMatchObject({ key: 'servers.s.headers.X-Key', reason: `cannot read ${join(dir, 'nope')}: file not found` });
    writeFileSync(join(dir, 'locked'), 'x');
    chmodSync(join(dir, 'locked'), 0);
    if (process.getuid?.() !== 0) {
      expect(failure('{ transport: stdio, command: x, env: { K: "${file:locked}" } }').reason).toMatch(/EACCES/);
    }
  });

  it('refuses a header that would carry a line break once resolved (header injection)', () => {
    try {
      server('{ transport: streamable-http, url: "https://h/", headers: { X-Key: "${env:EVIL}" } }', { ...env, EVIL: 'a\r\nX-Admin: 1' });
      throw new Error('expected a configuration error');
    } catch (e) {
      expect(e).toMatchObject({ key: 'servers.s.headers.X-Key', reason: 'holds a line break or control character once resolved' });
      expect((e as Error).message).not.toContain('X-Admin');
    }
  });

  it('checks the oauth keys together and keeps client secrets off clear-text networks', () => {
    const oauth = (rest: string): string => `{ transport: streamable-http, url: "https://h/", oauth: { clientId: a, clientSecret: b${rest} } }`;
    expect(failure(oauth('')).reason).toBe('set exactly one of tokenUrl and issuer');
    expect(failure(oauth(', tokenUrl: "https://as/t", issuer: "https://as"')).reason).toBe('set exactly one of tokenUrl and issuer');
    expect(failure(oauth(', tokenUrl: "http://as.example/t"')).key).toBe('servers.s.oauth.tokenUrl');
    expect(server(oauth(', tokenUrl: "http://127.0.0.1:9/t"')).transport).toBe('streamable-http');
    const both = failure('{ transport: streamable-http, url: "https://h/", headers: { authorization: x }, oauth: { tokenUrl: "https://as/t", clientId: a, clientSecret: b } }');
    expect(both).toMatchObject({ key: 'servers.s.headers.authorization', reason: 'set an Authorization header or oauth, not both' });
    expect(failure('{ transport: streamable-http, url: "https://h/", headers: { Mcp-Session-Id: x } }').reason).toBe('is set by the gateway and cannot be configured');
  });

  it("gives a stdio server the base variables and its env, nothing else of the gateway's environment", () => {
    const s = server('{ transport: stdio, command: x, env: { TOKEN: "${env:API_TOKEN}", MODE: plain } }', { ...env, SHELL: '() { evil; }' });
    expect(s.transport === 'stdio' && s.environment).toEqual({ PATH: '/usr/bin', HOME: '/home/gw', TOKEN: 'token-from-env', MODE: 'plain' });
    expect(STDIO_BASE_ENV).toEqual(expect.arrayContaining(['PATH', 'HOME']));
  });
});
