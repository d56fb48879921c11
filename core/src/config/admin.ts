import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { isLoopbackHost, parseHost } from '../http/host.js';
import { secureOrLoopback } from './auth.js';
import type { AdminCredentials, AdminConfig } from './types.js';

/** Name of the token file the gateway makes under `dataDir` when no credentials are configured. */
export const ADMIN_TOKEN_FILE_NAME = 'admin-token';
const MIN_TOKEN_LENGTH = 16;

/** Why `token` cannot be an admin bearer token, or null when it can. */
export function adminTokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `must hold at least ${MIN_TOKEN_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'must be printable ASCII without spaces';
  return null;
}

/** Throws a ConfigError for an entry of `key` that is not a host name or `host:port`. */
export function checkHosts(file: string, key: string, entries: readonly string[]): void {
  entries.forEach((entry, i) => {
    if (!parseHost(entry)) throw new ConfigError('SLUICE_CONFIG_INVALID', file, `${key}.${i}`, `${JSON.stringify(entry)} is not a host name or host:port`);
  });
}

/** Checks the admin keys against each other and resolves where the token comes from. */
export function resolveAdminCredentials(
  admin: AdminConfig,
  dataDir: string,
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): AdminCredentials {
  const fail = (key: string, reason: string): never => {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, key, reason);
  };
  checkHosts(file, 'admin.allowedHosts', admin.allowedHosts);
  admin.allowedOrigins.forEach((origin, i) => {
    if (!isOrigin(origin)) fail(`admin.allowedOrigins.${i}`, `${JSON.stringify(origin)} is not an origin (http[s]://host[:port])`);
  });
  if (admin.auth === 'none') {
    if (!isLoopbackHost(admin.host)) {
      fail('admin.auth', `none is allowed only when admin.host is a loopback address (it is ${admin.host}); use a token`);
    }
    if (admin.tokenFile !== null || admin.tokenEnv !== null) fail('admin.auth', 'is none, so admin.tokenFile and admin.tokenEnv must not be set');
    return { kind: 'none' };
  }
  if (admin.tokenFile !== null && admin.tokenEnv !== null) fail('admin.tokenEnv', 'set admin.tokenFile or admin.tokenEnv, not both');
  if (admin.tokenEnv !== null) {
    const token = env[admin.tokenEnv]?.trim() ?? '';
    if (!token) fail('admin.tokenEnv', `the environment variable ${admin.tokenEnv} is not set`);
    const problem = adminTokenProblem(token);
    if (problem) fail('admin.tokenEnv', `the token in ${admin.tokenEnv} ${problem}`);
    return { kind: 'env', name: admin.tokenEnv, token };
  }
  if (admin.tokenFile !== null) return { kind: 'file', path: admin.tokenFile, create: false };
  return { kind: 'file', path: join(dataDir, ADMIN_TOKEN_FILE_NAME), create: true };
}

/**
 * Checks `admin.oauth`: not with `admin.auth: none`; one JWKS source; https for the issuer and JWKS unless they are
 * loopback; an audience of its own (a token for the ingress, `ingressResource`, must not open the admin port).
 */
export function resolveAdminOAuth(admin: AdminConfig, ingressResource: string | null, file: string, abs: (path: string) => string): void {
  const { oauth } = admin;
  if (!oauth) return;
  const fail = (key: string, reason: string): never => {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, key, reason);
  };
  if (admin.auth === 'none') fail('admin.oauth', 'admin.auth is none, so the admin port takes no credentials: remove admin.oauth or set admin.auth: token');
  if ((oauth.jwksUri === null) === (oauth.jwksFile === null)) fail('admin.oauth', 'set exactly one of jwksUri and jwksFile');
  if (!secureOrLoopback(oauth.issuer)) fail('admin.oauth.issuer', 'must be https (http only for a loopback host)');
  if (oauth.jwksUri !== null && !secureOrLoopback(oauth.jwksUri)) fail('admin.oauth.jwksUri', 'must be https (http only for a loopback host)');
  if (oauth.jwksFile !== null) oauth.jwksFile = abs(oauth.jwksFile);
  if (ingressResource !== null && oauth.audience === ingressResource) {
    fail('admin.oauth.audience', `must differ from ingress.auth.oauth.resource (${ingressResource}): a token for /mcp must not open the admin port`);
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '').toLowerCase();
  } catch {
    return false;
  }
}
