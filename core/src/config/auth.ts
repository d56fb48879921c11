import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { isLoopbackHost } from '../http/host.js';
import { API_KEY_LIST_SCHEMA } from './schema.js';
import { resolveSecrets, type SecretSources } from './secrets.js';
import type { ApiKeyEntry, IngressAuthConfig } from './types.js';

const validateKeyList = new Ajv({ useDefaults: true, strict: false }).compile(API_KEY_LIST_SCHEMA);

/**
 * Checks `ingress.auth` against the rest of the configuration and completes it: no authentication only on a
 * loopback listener; at most one JWKS source, and a JWKS or introspection; https for the issuer, JWKS and
 * introspection endpoint unless they are loopback; the introspection secret resolved; a resource URL when the
 * listener is not loopback; the API key file read and merged into `keys`.
 */
export function resolveIngressAuth(auth: IngressAuthConfig, listenHost: string, sources: SecretSources, abs: (path: string) => string): void {
  const { file } = sources;
  const fail = (key: string, reason: string): never => {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, key, reason);
  };
  if (!auth.oauth && !auth.apiKeys && !isLoopbackHost(listenHost)) {
    fail('ingress.auth', `must configure oauth or apiKeys: listen.host ${listenHost} is not a loopback address, and /mcp would be open to anyone`);
  }
  const { oauth, apiKeys } = auth;
  if (oauth) {
    if (oauth.jwksUri !== null && oauth.jwksFile !== null) fail('ingress.auth.oauth', 'set at most one of jwksUri and jwksFile');
    if (oauth.jwksUri === null && oauth.jwksFile === null && oauth.introspection === null) {
      fail('ingress.auth.oauth', 'set jwksUri or jwksFile (JWT access tokens), introspection (opaque ones), or both');
    }
    const { introspection } = oauth;
    if (introspection) {
      if (introspection.endpoint !== null && !secureOrLoopback(introspection.endpoint)) {
        fail('ingress.auth.oauth.introspection.endpoint', 'must be https (http only for a loopback host): the client secret goes with every request');
      }
      introspection.clientSecret = resolveSecrets(introspection.clientSecret, 'ingress.auth.oauth.introspection.clientSecret', sources);
    }
    if (!secureOrLoopback(oauth.issuer)) fail('ingress.auth.oauth.issuer', 'must be https (http only for a loopback host)');
    if (oauth.jwksUri !== null && !secureOrLoopback(oauth.jwksUri)) fail('ingress.auth.oauth.jwksUri', 'must be https (http only for a loopback host)');
    if (oauth.jwksFile !== null) oauth.jwksFile = abs(oauth.jwksFile);
    if (oauth.resource === null && !isLoopbackHost(listenHost)) {
      fail('ingress.auth.oauth.resource', `is required when listen.host (${listenHost}) is not loopback: name the URL clients reach /mcp at`);
    }
    if (oauth.resource !== null && (new URL(oauth.resource).hash !== '' || new URL(oauth.resource).search !== '')) {
      fail('ingress.auth.oauth.resource', 'must not carry a query or fragment (RFC 8707)');
    }
    if (oauth.authorizationServers.length === 0) oauth.authorizationServers = [oauth.issuer];
    if (oauth.scopesSupported.length === 0) oauth.scopesSupported = [...oauth.requiredScopes];
  }
  if (apiKeys) {
    if (apiKeys.file !== null) {
      apiKeys.file = abs(apiKeys.file);
      apiKeys.keys = [...apiKeys.keys, ...readKeyFile(apiKeys.file, file)];
    }
    if (apiKeys.keys.length === 0) fail('ingress.auth.apiKeys', 'lists no key (keys is empty and no file is set)');
    const seen = new Set<string>();
    apiKeys.keys.forEach((key, i) => {
      if (seen.has(key.sha256)) fail(`ingress.auth.apiKeys.keys.${i}.sha256`, 'is listed twice');
      seen.add(key.sha256);
    });
  }
}

function readKeyFile(path: string, file: string): ApiKeyEntry[] {
  const fail = (reason: string): never => {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, 'ingress.auth.apiKeys.file', `${path}: ${reason}`);
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err));
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) fail('not valid YAML or JSON');
  const list: unknown = doc.toJS() ?? [];
  if (!validateKeyList(list)) {
    const error = validateKeyList.errors?.[0];
    fail(`entry ${error?.instancePath.split('/')[1] ?? '?'}: ${error?.message ?? 'invalid'} (a list of { sha256, agent, tenant?, user?, roles? })`);
  }
  return list as ApiKeyEntry[];
}

/** Whether `url` is https, or http to a loopback host. */
export function secureOrLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || isLoopbackHost(parsed.hostname.replace(/^\[|\]$/g, ''));
}
