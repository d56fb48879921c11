import { createPrivateKey, type KeyObject } from 'node:crypto';
import { signAssertion, type TokenExchangeConfig } from '@sluice/core';
import { RouterError } from '../errors.js';
import type { CallSubject } from './backend.js';
import type { BearerSource } from './oauth-token-source.js';
import { TokenEndpoint, TokenRefusedError, renewAt, tokenFailed } from './token-endpoint.js';

/** RFC 8693 names. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** How long an assertion is valid: long enough to reach the token endpoint, too short to be worth stealing. */
export const ASSERTION_TTL_S = 60;

/** How to build a {@link TokenExchangeSource}. */
export interface TokenExchangeOptions {
  /** Bounds discovery and each token request. */
  timeoutMs: number;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

interface Entry {
  token: string;
  renewAt: number;
}

/**
 * Access tokens for one backend on behalf of each caller (RFC 8693). For a caller's first call the gateway signs an
 * assertion of the verified user — `iss` the gateway, `sub` the user, `tenant`, `act.sub` the agent, `aud` the token
 * endpoint, a random `jti`, valid {@link ASSERTION_TTL_S} s — and exchanges it, authenticating as its own client,
 * for an access token for the backend's resource. Tokens are cached per (tenant, user, agent) until shortly before
 * they expire, at most `cacheSize` of them (the least recently used is dropped); concurrent first calls of one
 * caller share one exchange. A refusal rejects with SLUICE_ROUTER_TOKEN_EXCHANGE_REFUSED, a failure to reach or
 * read the endpoint with SLUICE_ROUTER_BACKEND_TOKEN_FAILED.
 */
export class TokenExchangeSource {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly endpoint: TokenEndpoint;
  private readonly key: KeyObject;
  private readonly now: () => number;

  constructor(
    private readonly config: TokenExchangeConfig,
    options: TokenExchangeOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.endpoint = new TokenEndpoint(config, options.timeoutMs, this.now);
    this.key = createPrivateKey(config.assertionKey);
  }

  /** Cached tokens now. */
  get size(): number {
    return this.cache.size;
  }

  /**
   * The token source of one caller. A subject without a verified user (anonymous, or an unauthenticated ingress)
   * cannot be asserted: that throws SLUICE_ROUTER_BACKEND_NO_SUBJECT.
   */
  forSubject(subject: CallSubject, server: string): BearerSource {
    const { principal, tenant } = subject;
    const user = principal.user;
    if (user === null || user === '' || principal.authMethod === null || principal.authMethod === 'none') {
      throw new RouterError('SLUICE_ROUTER_BACKEND_NO_SUBJECT', `Backend ${server} is called on behalf of the user, and this request has no verified user`);
    }
    const key = JSON.stringify([tenant, user, principal.agent]);
    return {
      token: () => this.token(key, tenant, user, principal.agent),
      invalidate: (token) => {
        if (this.cache.get(key)?.token === token) this.cache.delete(key);
      },
    };
  }

  private token(key: string, tenant: string, user: string, agent: string | null): Promise<string> {
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.renewAt) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Promise.resolve(cached.token);
    }
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.exchange(key, tenant, user, agent).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async exchange(key: string, tenant: string, user: string, agent: string | null): Promise<string> {
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: await this.assertion(await this.endpoint.url(), tenant, user, agent),
      subject_token_type: JWT_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    if (this.config.resource !== null) body.set('resource', this.config.resource);
    if (this.config.scope !== null) body.set('scope', this.config.scope);
    let issued;
    try {
      issued = await this.endpoint.request(body);
    } catch (err) {
      if (!(err instanceof TokenRefusedError)) throw err;
      throw new RouterError('SLUICE_ROUTER_TOKEN_EXCHANGE_REFUSED', `The authorization server refused a token for this user: ${err.message}`);
    }
    const type = issued.answer.issued_token_type;
    if (type !== undefined && type !== ACCESS_TOKEN_TYPE) throw tokenFailed('the token endpoint issued a token that is not an access token');
    this.cache.delete(key);
    while (this.cache.size >= this.config.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { token: issued.token, renewAt: renewAt(issued) });
    return issued.token;
  }

  private assertion(audience: string, tenant: string, user: string, agent: string | null): Promise<string> {
    return signAssertion({
      key: this.key,
      alg: this.config.assertionAlg,
      kid: this.config.assertionKeyId,
      issuer: this.config.assertionIssuer,
      subject: user,
      audience,
      iat: Math.floor(this.now() / 1000),
      ttlS: ASSERTION_TTL_S,
      claims: agent === null ? { tenant } : { tenant, act: { sub: agent } },
    });
  }
}
