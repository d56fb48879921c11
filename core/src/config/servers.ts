import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { resolveSecretRecord, resolveSecrets, type SecretSources } from './secrets.js';
import type { ServerConfig } from './types.js';

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
    if (server.oauth && header.toLowerCase() === 'authorization') fail(`headers.${header}`, 'set an Authorization header or oauth, not both');
  }
  server.headers = resolveSecretRecord(server.headers, `${key}.headers`, sources);
  for (const [header, value] of Object.entries(server.headers)) {
    if (!HEADER_VALUE.test(value)) fail(`headers.${header}`, 'holds a line break or control character once resolved');
  }
  const oauth = server.oauth;
  if (!oauth) return;
  if ((oauth.tokenUrl === null) === (oauth.issuer === null)) fail('oauth', 'set exactly one of tokenUrl and issuer');
  for (const sub of ['tokenUrl', 'issuer'] as const) {
    const url = oauth[sub];
    if (url !== null && !isSafeAuthServerUrl(url)) fail(`oauth.${sub}`, 'must be an https URL (http only on a loopback host)');
  }
  oauth.clientSecret = resolveSecrets(oauth.clientSecret, `${key}.oauth.clientSecret`, sources);
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
