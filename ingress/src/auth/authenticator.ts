import { createJwtVerifier, identityFromClaims, readJwksFile, type IngressAuthConfig, type JwtVerifier } from '@sluice/core';
import { IngressError, WireError } from '../errors.js';
import type { HeaderMap, RequestHead } from '../http/exchange.js';
import { ApiKeys } from './api-keys.js';
import { createIntrospector, type IntrospectionVerdict } from './introspector.js';
import type { PrincipalDefaults, VerifiedPrincipal } from './principal.js';
import { publishMetadata, type PublishedMetadata } from './protected-resource.js';
import { sha256Hex, TokenCache } from './token-cache.js';

/** A request the ingress will not serve: the error and its `WWW-Authenticate` challenge. */
export interface AuthRefusal {
  error: WireError;
  headers: HeaderMap;
}

/** Who made a request (null when the listener is unauthenticated), or why it is refused. */
export type AuthOutcome = { principal: VerifiedPrincipal | null; refusal: null } | { principal: null; refusal: AuthRefusal };

/** The authenticate phase: credentials of a request → a verified principal. */
export interface Authenticator {
  /** False when `ingress.auth` configures nothing: every request is served as anonymous. */
  readonly enabled: boolean;
  /** Protected resource metadata, once {@link bind} named the resource (OAuth only). */
  readonly metadata: PublishedMetadata | null;
  /** Names the resource URL tokens must be issued for, when config left it to the bound port. */
  bind(defaultResource: string): void;
  /**
   * Synchronous for no auth, API keys and cached tokens; a promise when a token's signature must be checked or the
   * issuer asked. A bearer token is read in this order: a JWT (with a JWKS configured) is verified locally; else
   * an API key that is listed is served; else the token is introspected (when configured), else refused.
   */
  authenticate(head: RequestHead): AuthOutcome | Promise<AuthOutcome>;
}

const ANONYMOUS: AuthOutcome = { principal: null, refusal: null };
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** The authenticator of `auth`; `defaults` are `ingress.tenant` and `ingress.environment`. */
export function createAuthenticator(auth: IngressAuthConfig, defaults: PrincipalDefaults): Authenticator {
  const { oauth } = auth;
  const apiKeys = auth.apiKeys ? new ApiKeys(auth.apiKeys, defaults) : null;
  const verifier: JwtVerifier | null =
    oauth && (oauth.jwksUri !== null || oauth.jwksFile !== null) ? createJwtVerifier(oauth, oauth.jwksFile === null ? null : jwksFile(oauth.jwksFile)) : null;
  const introspector = oauth?.introspection ? createIntrospector(oauth.introspection, oauth.issuer, oauth.clockToleranceS) : null;
  const inFlight = new Map<string, Promise<IntrospectionVerdict>>();
  const cache = new TokenCache(oauth?.cacheSize ?? 0);
  const leewayMs = (oauth?.clockToleranceS ?? 0) * 1000;
  let metadata: PublishedMetadata | null = null;
  let resource: string | null = oauth?.resource ?? null;

  const refuse = (error: WireError, params: Record<string, string> = {}): AuthOutcome => {
    const fields = Object.entries(params).map(([k, v]) => `${k}="${v}"`);
    if (metadata) fields.push(`resource_metadata="${metadata.url}"`);
    return { principal: null, refusal: { error, headers: { 'WWW-Authenticate': fields.length > 0 ? `Bearer ${fields.join(', ')}` : 'Bearer' } } };
  };
  const invalidToken = (reason: string): AuthOutcome =>
    refuse(new WireError('SLUICE_INGRESS_INVALID_TOKEN', `Unauthorized: ${reason}`), { error: 'invalid_token', error_description: reason });
  const withScopes = (principal: VerifiedPrincipal): AuthOutcome => {
    const missing = oauth?.requiredScopes.filter((scope) => !principal.scopes.includes(scope)) ?? [];
    if (principal.authMethod !== 'oauth' || missing.length === 0) return { principal, refusal: null };
    const scope = oauth?.requiredScopes.join(' ') ?? '';
    return refuse(new WireError('SLUICE_INGRESS_INSUFFICIENT_SCOPE', `Forbidden: the token lacks the scope ${missing.join(' ')}`), {
      error: 'insufficient_scope',
      scope,
    });
  };
  const unknownApiKey = (): AuthOutcome => refuse(new WireError('SLUICE_INGRESS_INVALID_API_KEY', 'Unauthorized: unknown API key'), { error: 'invalid_token' });
  const apiKey = (key: string): AuthOutcome => {
    const principal = apiKeys?.lookup(key) ?? null;
    return principal ? { principal, refusal: null } : unknownApiKey();
  };
  const verify = async (token: string, digest: string, audience: string): Promise<AuthOutcome> => {
    const verdict = await verifier!.verify(token, audience);
    if (verdict.rejection?.kind === 'unavailable') {
      return refuse(new WireError('SLUICE_INGRESS_AUTH_UNAVAILABLE', 'Service unavailable: the token issuer keys could not be fetched; retry', verdict.rejection.cause));
    }
    if (verdict.rejection) return invalidToken(verdict.rejection.reason);
    const identity = identityFromClaims(verdict.payload, oauth!.claims);
    const principal: VerifiedPrincipal = {
      ...identity,
      tenant: identity.tenant ?? defaults.tenant,
      environment: identity.environment ?? defaults.environment,
      authMethod: 'oauth',
    };
    cache.set(digest, principal, (verdict.payload.exp ?? 0) * 1000 + leewayMs);
    return withScopes(principal);
  };
  const introspect = async (token: string, digest: string, audience: string): Promise<AuthOutcome> => {
    let pending = inFlight.get(digest);
    if (!pending) {
      pending = introspector!.introspect(token, audience).finally(() => inFlight.delete(digest));
      inFlight.set(digest, pending);
    }
    const verdict = await pending;
    if (verdict.rejection?.kind === 'unavailable') {
      return refuse(new WireError('SLUICE_INGRESS_AUTH_UNAVAILABLE', "Service unavailable: the issuer's introspection endpoint did not answer; retry", verdict.rejection.cause));
    }
    if (verdict.rejection) return invalidToken(verdict.rejection.reason);
    const identity = identityFromClaims(verdict.claims, oauth!.claims);
    const claimed: VerifiedPrincipal = {
      ...identity,
      tenant: identity.tenant ?? defaults.tenant,
      environment: identity.environment ?? defaults.environment,
      authMethod: 'oauth',
    };
    // An opaque token may be its own jti: the token itself never goes on events.
    const ownId = claimed.tokenId === null || claimed.tokenId === token;
    const principal = ownId ? { ...claimed, tokenId: `sha256:${digest.slice(0, 12)}` } : claimed;
    cache.set(digest, principal, verdict.reuseUntil);
    return withScopes(principal);
  };

  return {
    enabled: oauth !== null || apiKeys !== null,
    get metadata() {
      return metadata;
    },
    bind(defaultResource) {
      resource ??= defaultResource;
      if (oauth) metadata = publishMetadata(oauth, resource);
    },
    authenticate(head) {
      if (!oauth && !apiKeys) return ANONYMOUS;
      if (head.authorization === null) {
        if (head.apiKey !== null && apiKeys) return apiKey(head.apiKey);
        const scope = oauth && oauth.requiredScopes.length > 0 ? { scope: oauth.requiredScopes.join(' ') } : undefined;
        return refuse(new WireError('SLUICE_INGRESS_UNAUTHENTICATED', 'Unauthorized: this gateway needs a bearer token or API key'), scope);
      }
      const token = BEARER.exec(head.authorization)?.[1];
      if (token === undefined) return invalidToken('the Authorization header is not Bearer <token>');
      const jwt = verifier !== null && resource !== null && COMPACT_JWT.test(token);
      if (!jwt) {
        const known = apiKeys?.lookup(token) ?? null;
        if (known) return { principal: known, refusal: null };
        if (!introspector || resource === null) return apiKeys ? unknownApiKey() : invalidToken('the token is not a JWT');
      }
      const digest = sha256Hex(token);
      const cached = cache.get(digest);
      if (cached) return withScopes(cached);
      return jwt ? verify(token, digest, resource!) : introspect(token, digest, resource!);
    },
  };
}

function jwksFile(path: string): ReturnType<typeof readJwksFile> {
  try {
    return readJwksFile(path);
  } catch (err) {
    throw new IngressError('SLUICE_INGRESS_AUTH_CONFIG', (err as Error).message, err);
  }
}
