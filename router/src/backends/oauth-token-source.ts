import type { OAuthClientConfig } from '@sluice/core';
import { TokenEndpoint, TokenRefusedError, renewAt, tokenFailed } from './token-endpoint.js';

/** Bearer tokens for one backend: a cached token, or a fresh one after the backend refused the last. */
export interface BearerSource {
  /** A token valid for a while yet; fetched when none is cached, shared by concurrent callers. */
  token(): Promise<string>;
  /** Drops `token` from the cache (the backend refused it), unless a newer one has replaced it. */
  invalidate(token: string): void;
}

/** How to build a {@link ClientCredentialsTokenSource}. */
export interface ClientCredentialsOptions {
  /** Bounds discovery and each token request. */
  timeoutMs: number;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4) at the client's {@link TokenEndpoint}, with `scope` and the
 * resource indicator (RFC 8707) when configured. A token is renewed 30 s (or a tenth of its lifetime) before it
 * expires; one without `expires_in` is kept until the backend refuses it. Failures reject with
 * SLUICE_ROUTER_BACKEND_TOKEN_FAILED, naming the OAuth error code but never a secret.
 */
export class ClientCredentialsTokenSource implements BearerSource {
  private cached: { token: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly endpoint: TokenEndpoint;
  private readonly now: () => number;

  constructor(
    private readonly config: OAuthClientConfig,
    options: ClientCredentialsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.endpoint = new TokenEndpoint(config, options.timeoutMs, this.now);
  }

  token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.renewAt) return Promise.resolve(cached.token);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.config.scope !== null) body.set('scope', this.config.scope);
    if (this.config.resource !== null) body.set('resource', this.config.resource);
    try {
      const issued = await this.endpoint.request(body);
      this.cached = { token: issued.token, renewAt: renewAt(issued) };
      return issued.token;
    } catch (err) {
      throw err instanceof TokenRefusedError ? tokenFailed(err.message) : err;
    }
  }
}
