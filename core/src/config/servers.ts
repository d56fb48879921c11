import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadAssertionKey } from './assertion-key.js';
import { resolveSecretRecord, resolveSecrets, type SecretSources } from './secrets.js';
import type { OAuthClientConfig, ServerConfig, TokenExchangeConfig } from './types.js';

/**
 * Variables a stdio server gets from the gateway's environment besides its `env`: the list the MCP SDK's stdio
 * transport inherits by default (after sudo's), so passing the environment explicitly changes nothing it adds.
 */
export const STDIO_BASE_ENV: readonly string[] =
  process.platform === 'win32'
    ? ['APPDATA', 'HOMEDRIVE', 'HOMEPATH', 'LOCALAPPDATA', 'PATH', 'PROCESSOR_ARCHITECTURE', 'SYSTEMDRIVE', 'SYSTEMROOT', 'TEMP', 'USERNAME', 'USERPROFILE', 'PROGRAMFILES']
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];

/** Headers the gateway sets itself on every request to a Streamable HTTP server. */
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'mcp-session-id', 'mcp-protocol-version']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Resolves secret references, paths and the stdio environment of one server, and checks its keys together. */
export function normalizeServer(name: string, server: ServerConfig, sources: SecretSources): void {
  const key = `servers.${name}`;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(sources.base, p));
  const fail = (sub: string, reason: string): never => {
    throw new ConfigError('SLUICE_CONFIG_INVALID', sources.file, `${key}.${sub}`, reason);
  };
  if (server.transport === 'stdio') {
    server.args = server.args.map((a) => (a.startsWith('./') || a.startsWith('../') ? abs(a) : a));
    if (server.cwd) server.cwd = abs(server.cwd);
    server.env = resolveSecretRecord(server.env, `${key}.env`, sources);
    server.environment = { ...baseEnvironment(sources.env), ...server.env };
    return;
  }
  for (const header of Object.keys(server.headers)) {
    if (!HEADER_NAME.test(header)) fail(`headers.${header}`, 'is not a valid header name');
    if (RESERVED_HEADERS.has(header.toLowerCase())) fail(`headers.${header}`, 'is set by the gateway and cannot be configured');
    if (header.toLowerCase() === 'authorization' && server.oauth) fail(`headers.${header}`, 'set an Authorization header or oauth, not both');
    if (header.toLowerCase() === 'authorization' && server.tokenExchange) fail(`headers.${header}`, 'set an Authorization header or tokenExchange, not both');
  }
  server.headers = resolveSecretRecord(server.headers, `${key}.headers`, sources);
  for (const [header, value] of Object.entries(server.headers)) {
    if (!HEADER_VALUE.test(value)) fail(`headers.${header}`, 'holds a line break or control character once resolved');
  }
  if (server.oauth && server.tokenExchange) fail('tokenExchange', 'set oauth or tokenExchange, not both');
  if (server.oauth) normalizeClient(server.oauth, 'oauth', key, sources, fail);
  const exchange = server.tokenExchange;
  if (!exchange) return;
  normalizeClient(exchange, 'tokenExchange', key, sources, fail);
  exchange.resource ??= server.url;
  // Both are null in the file when not set; the type holds what they are after load.
  exchange.assertionIssuer = (exchange.assertionIssuer as string | null) ?? exchange.clientId;
  const value = resolveSecrets(exchange.assertionKey, `${key}.tokenExchange.assertionKey`, sources);
  try {
    const loaded = loadAssertionKey(value, exchange.assertionAlg as TokenExchangeConfig['assertionAlg'] | null, sources.base);
    exchange.assertionKey = loaded.pem;
    exchange.assertionAlg = loaded.alg;
  } catch (err) {
    fail('tokenExchange.assertionKey', (err as Error).message);
  }
}

/** Checks the token endpoint (or issuer) of a client and resolves its secret. */
function normalizeClient(
  client: OAuthClientConfig | TokenExchangeConfig,
  sub: 'oauth' | 'tokenExchange',
  key: string,
  sources: SecretSources,
  fail: (sub: string, reason: string) => never,
): void {
  if ((client.tokenUrl === null) === (client.issuer === null)) fail(sub, 'set exactly one of tokenUrl and issuer');
  for (const field of ['tokenUrl', 'issuer'] as const) {
    const url = client[field];
    if (url !== null && !isSafeAuthServerUrl(url)) fail(`${sub}.${field}`, 'must be an https URL (http only on a loopback host)');
  }
  client.clientSecret = resolveSecrets(client.clientSecret, `${key}.${sub}.clientSecret`, sources);
}

function baseEnvironment(env: SecretSources['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STDIO_BASE_ENV) {
    const value = env[name];
    // A value starting with "()" is an exported shell function, which the SDK does not pass either.
    if (value !== undefined && !value.startsWith('()')) out[name] = value;
  }
  return out;
}

/** True for an https URL, or an http URL on a loopback host (client secrets never cross a network in clear). */
function isSafeAuthServerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
