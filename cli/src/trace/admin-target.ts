import { readFileSync } from 'node:fs';
import { adminTokenProblem, isLoopbackHost, loadConfigFile } from '@sluice/core';
import { AdminError } from '../errors.js';
import type { AdminTarget } from './admin-client.js';

/** The admin port `sluice trace` reads when neither `--admin` nor `--config` names one. */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8081';

/** Options of `sluice trace` that say where the admin port is and how to authenticate. */
export interface AdminOptions {
  admin?: string;
  config?: string;
  tokenFile?: string;
  timeoutMs: number;
}

/**
 * Where to send the statements and which token to send: `--admin`, else the admin listener of `--config` (a
 * wildcard host is called on loopback), else {@link DEFAULT_ADMIN_URL}; the token from `--token-file`, else the
 * configuration's (`admin.tokenFile`, `admin.tokenEnv` or `<dataDir>/admin-token`), else none. Problems are
 * SLUICE_TRACE_USAGE errors that never quote a token.
 */
export function resolveAdminTarget(options: AdminOptions): AdminTarget {
  const config = options.config === undefined ? null : load(options.config);
  let url: URL;
  try {
    url = new URL(options.admin ?? (config ? urlOf(config.admin.host, config.admin.port) : DEFAULT_ADMIN_URL));
  } catch {
    throw usage(`--admin ${JSON.stringify(options.admin)} is not a URL (for example ${DEFAULT_ADMIN_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage(`--admin must be an http or https URL`);
  if (url.username || url.password) throw usage('--admin must not carry credentials: give the token with --token-file');
  let token: string | null = null;
  if (options.tokenFile !== undefined) token = readToken(options.tokenFile, '--token-file');
  else if (config) {
    const credentials = config.admin.credentials;
    if (credentials.kind === 'env') token = credentials.token;
    if (credentials.kind === 'file') token = readToken(credentials.path, 'admin.tokenFile');
  }
  return { url, token, timeoutMs: options.timeoutMs };
}

function load(file: string): ReturnType<typeof loadConfigFile> {
  try {
    return loadConfigFile(file);
  } catch (err) {
    throw usage((err as Error).message, err);
  }
}

function urlOf(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const name = wildcard ? '127.0.0.1' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

function readToken(path: string, from: string): string {
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw usage(`${from}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
  const problem = adminTokenProblem(token);
  if (problem) throw usage(`${from}: the token in ${path} ${problem}`);
  return token;
}

function usage(message: string, cause?: unknown): AdminError {
  return new AdminError('SLUICE_TRACE_USAGE', message, cause);
}

/** True when `url` names a loopback host: the only kind a plain-HTTP token should go to unwarned. */
export function isLoopbackUrl(url: URL): boolean {
  return isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''));
}
