import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (yaml: string): ConfigError => {
  try {
    parseConfig(yaml, '/etc/sluice/sluice.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a configuration error');
};

describe('configuration', () => {
  it('fills documented defaults and resolves paths against the file', () => {
    const config = parseConfig(
      'servers:\n  everything: { transport: stdio, command: node, args: [./server.js, stdio] }\naudit: { kind: chdb, path: data/audit }\n',
      '/etc/sluice/sluice.yaml',
    );
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseConfig('admin: { port: 9 }', 'a.yaml').admin).toMatchObject({ host: '127.0.0.1', port: 9 });
    expect(config.dataDir).toBe('/etc/sluice/.sluice');
    expect(config.admin).toEqual({
      host: '127.0.0.1',
      port: 8081,
      auth: 'token',
      tokenFile: null,
      tokenEnv: null,
      metrics: 'token',
      allowedHosts: [],
      allowedOrigins: [],
      credentials: { kind: 'file', path: '/etc/sluice/.sluice/admin-token', create: true },
      oauth: null,
    });
    expect(config.ingress.allowedHosts).toEqual([]);
    expect(config.bus).toEqual({ kind: 'memory' });
    expect(config.audit).toMatchObject({ kind: 'chdb', path: '/etc/sluice/data/audit', batchMaxRows: 10000, batchMaxMs: 1000 });
    expect(config.policy).toEqual({ bundle: null, enabled: true });
    expect(config.ingress.maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(config.ingress).toMatchObject({ maxHeaders: 40, maxHeaderBytes: 8192, writeTimeoutMs: 30000 });
    expect(config.ingress.sessions).toEqual({ max: 10000, maxPerAddress: 100, idleTtlMs: 1800000, maxLifetimeMs: 86400000, createPerMinute: 60 });
    expect(config.ingress.environment).toBeNull();
    expect(() => parseConfig('ingress: { maxHeaders: 49 }', 'a.yaml')).toThrow(/ingress\.maxHeaders/);
    expect(config.ingress.nodeId).toMatch(/^[A-Za-z0-9._-]+$/);
    const server = config.servers.everything!;
    expect(server.transport === 'stdio' && server.args).toEqual(['/etc/sluice/server.js', 'stdio']);
    expect(server).toMatchObject({ prefix: true, timeoutMs: 30000, tenants: null, environments: null, roles: null });
    expect(Object.isFrozen(config.servers)).toBe(true);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow();
  });

  it('accepts the Kafka bus and a ClickHouse server', () => {
    const config = parseConfig(
      'bus: { kind: kafka, brokers: ["127.0.0.1:9092"], topicPrefix: "t." }\naudit: { kind: clickhouse, url: "http://127.0.0.1:8123" }\n',
      'x.yaml',
    );
    expect(config.bus).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:9092'], topicPrefix: 't.', clientId: 'sluice', maxWaitMs: 250, commitIntervalMs: 100 });
    expect(config.audit).toMatchObject({ kind: 'clickhouse', url: 'http://127.0.0.1:8123', username: 'default' });
  });

  it('restricts a server to tenants, environments and roles', () => {
    const config = parseConfig(
      'servers:\n  books: { transport: streamable-http, url: "http://127.0.0.1:1/mcp", tenants: [acme], environments: [production], roles: [finance, admin] }\n',
      'x.yaml',
    );
    expect(config.servers.books).toMatchObject({ tenants: ['acme'], environments: ['production'], roles: ['finance', 'admin'] });
  });

  it('reads the environment of principals from a claim, an API key, or the listener default', () => {
    const config = parseConfig(
      `ingress:
  environment: development
  auth:
    oauth: { issuer: "https://op.example", jwksUri: "https://op.example/jwks", claims: { environment: env } }
    apiKeys: { keys: [{ sha256: "${'a'.repeat(64)}", agent: ci, environment: staging }] }
`,
      'x.yaml',
    );
    expect(config.ingress.environment).toBe('development');
    expect(config.ingress.auth.oauth?.claims).toMatchObject({ environment: 'env', tenant: null });
    expect(config.ingress.auth.apiKeys?.keys[0]).toMatchObject({ environment: 'staging' });
    expect(() => parseConfig('admin: { oauth: { issuer: "https://op.example", audience: a, claims: { environment: env } } }', 'a.yaml')).toThrow(/admin\.oauth\.claims\.environment/);
  });

  it.each([
    ['listen: { port: "eighty" }', 'listen.port', 'must be integer'],
    ['listen: { port: 99999 }', 'listen.port', 'must be <= 65535'],
    ['bus: { kind: rabbit }', 'bus.kind', 'is not a known kind'],
    ['bus: { kind: kafka }', 'bus.brokers', 'is required'],
    ['bus: { kind: kafka, brokers: ["nohost"] }', 'bus.brokers.0', 'must match pattern'],
    ['servers: { a: { transport: stdio } }', 'servers.a.command', 'is required'],
    ['servers: { a: { transport: carrier-pigeon, url: x } }', 'servers.a.transport', 'is not a known kind'],
    ['servers: { "bad name": { transport: stdio, command: x } }', 'servers.bad name', 'is not a valid name'],
    ['servers: { a__b: { transport: stdio, command: x } }', 'servers.a__b', 'is not a valid name'],
    ['servers: { a_: { transport: stdio, command: x } }', 'servers.a_', 'is not a valid name'],
    ['servers: { a: { transport: stdio, command: x, tenants: [] } }', 'servers.a.tenants', 'must NOT have fewer than 1 items'],
    ['servers: { a: { transport: stdio, command: x, tenants: acme } }', 'servers.a.tenants', 'must be array,null'],
    ['servers: { a: { transport: stdio, command: x, environments: [] } }', 'servers.a.environments', 'must NOT have fewer than 1 items'],
    ['ingress: { sessions: { createPerMinute: 0 } }', 'ingress.sessions.createPerMinute', 'must be >= 1'],
    ['servers: { a: { transport: stdio, command: x, roles: [""] } }', 'servers.a.roles.0', 'must NOT have fewer than 1 characters'],
    ['lisen: { port: 1 }', 'lisen', 'unknown key'],
    ['log: { level: loud }', 'log.level', 'must be one of'],
    ['listen: { port: 9000 }\nadmin: { port: 9000 }', 'admin.port', 'must differ from listen.port'],
    ['- just\n- a list', '(root)', 'must be a mapping'],
  ])('rejects %j naming the key and the reason', (yaml, key, reason) => {
    const err = failure(yaml);
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.key).toBe(key);
    expect(err.reason).toContain(reason);
    expect(err.message).toContain('/etc/sluice/sluice.yaml');
  });

  it('reports unparseable YAML and a missing file', () => {
    expect(failure('listen: { port: [').code).toBe('SLUICE_CONFIG_UNREADABLE');
    const missing = join(dir, 'missing.yaml');
    expect(() => loadConfigFile(missing)).toThrow(`${missing}: (file): file not found`);
    const good = join(dir, 'ok.yaml');
    writeFileSync(good, 'listen: { port: 0 }\n');
    expect(loadConfigFile(good).file).toBe(good);
  });
});
