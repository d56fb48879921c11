import type { OAuthClientConfig } from '@sluice/core';
import { RouterError } from '../errors.js';

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

/** A token is renewed this long before it expires, or at nine tenths of its lifetime when that is shorter. */
const RENEW_BEFORE_MS = 30_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4): the client id and secret go to the token endpoint in HTTP
 * Basic authentication, with `scope` and the resource indicator (RFC 8707) when configured. The token endpoint
 * is configured, or read once from the issuer's metadata (RFC 8414, then OpenID Connect discovery), whose
 * `issuer` must equal the configured one. A token without `expires_in` is kept until the backend refuses it.
 * Failures reject with SLUICE_ROUTER_BACKEND_TOKEN_FAILED, naming the OAuth error code but never a secret.
 */
export class ClientCredentialsTokenSource implements BearerSource {
  private cached: { token: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private endpoint: string | null;
  private readonly now: () => number;

  constructor(
    private readonly config: OAuthClientConfig,
    private readonly options: ClientCredentialsOptions,
  ) {
    this.endpoint = config.tokenUrl;
    this.now = options.now ?? Date.now;
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
    const endpoint = this.endpoint ?? (this.endpoint = await this.discover());
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.config.scope !== null) body.set('scope', this.config.scope);
    if (this.config.resource !== null) body.set('resource', this.config.resource);
    const basic = Buffer.from(`${formEncode(this.config.clientId)}:${formEncode(this.config.clientSecret)}`).toString('base64');
    const started = this.now();
    const response = await this.request(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    });
    const answer = await readJson(response);
    if (!response.ok) throw failed(`the token endpoint answered HTTP ${response.status}${oauthError(answer)}`);
    const token = answer?.access_token;
    const type = answer?.token_type;
    if (typeof token !== 'string' || token === '' || typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
      throw failed('the token endpoint answered without a bearer access_token');
    }
    const expiresIn = answer?.expires_in;
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : Infinity;
    this.cached = { token, renewAt: started + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10) };
    return token;
  }

  private async discover(): Promise<string> {
    const issuer = this.config.issuer as string;
    const url = new URL(issuer);
    const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    const candidates = [
      new URL(`/.well-known/oauth-authorization-server${path}`, url.origin).href,
      `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    ];
    for (const candidate of candidates) {
      const response = await this.request(candidate, { headers: { accept: 'application/json' } });
      const metadata = await readJson(response);
      if (!response.ok || metadata === null) continue;
      if (metadata.issuer !== issuer) throw failed(`the metadata at ${candidate} names another issuer`);
      if (typeof metadata.token_endpoint !== 'string') throw failed(`the metadata at ${candidate} names no token_endpoint`);
      return metadata.token_endpoint;
    }
    throw failed(`no authorization server metadata for ${issuer}`);
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (err) {
      throw failed(`cannot reach ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The OAuth `error` code of a refusal, cut short; never its description, which a server may fill with anything. */
function oauthError(answer: Record<string, unknown> | null): string {
  const code = answer?.error;
  return typeof code === 'string' && /^[\x20-\x7e]{1,64}$/.test(code) ? ` (${code})` : '';
}

/** RFC 6749 section 2.3.1: client id and secret are form-encoded before Basic authentication. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function failed(reason: string): RouterError {
  return new RouterError('SLUICE_ROUTER_BACKEND_TOKEN_FAILED', `Cannot get an access token: ${reason}`);
}
