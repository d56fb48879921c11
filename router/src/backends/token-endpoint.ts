import type { OAuthClientConfig } from '@sluice/core';
import { RouterError } from '../errors.js';

/** An access token an authorization server issued, and when it was asked for. */
export interface IssuedToken {
  token: string;
  /** Epoch milliseconds when the request was sent. */
  requestedAt: number;
  /** Lifetime from `expires_in`, in milliseconds; Infinity when the server gave none. */
  lifetimeMs: number;
  /** The whole JSON answer, for grant-specific checks. */
  answer: Record<string, unknown>;
}

/** A token endpoint's refusal: the server answered with an OAuth error, naming its `error` code. */
export class TokenRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly oauthError: string | null,
  ) {
    super(`the token endpoint answered HTTP ${status}${oauthError === null ? '' : ` (${oauthError})`}`);
    this.name = 'TokenRefusedError';
  }
}

/**
 * One client's token endpoint: configured, or read once from the issuer's metadata (RFC 8414, then OpenID Connect
 * discovery), whose `issuer` must equal the configured one. The client authenticates by HTTP Basic with its id and
 * secret (RFC 6749 section 2.3.1). Failures to reach or read the endpoint reject with
 * SLUICE_ROUTER_BACKEND_TOKEN_FAILED; an OAuth error answer rejects with {@link TokenRefusedError}. Neither names a
 * secret or the server's error description.
 */
export class TokenEndpoint {
  private endpoint: string | null;
  private discovering: Promise<string> | null = null;

  constructor(
    private readonly config: Pick<OAuthClientConfig, 'tokenUrl' | 'issuer' | 'clientId' | 'clientSecret'>,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.endpoint = config.tokenUrl;
  }

  /** The token endpoint's URL, discovered on first use. */
  async url(): Promise<string> {
    if (this.endpoint !== null) return this.endpoint;
    this.discovering ??= this.discover().finally(() => {
      this.discovering = null;
    });
    return (this.endpoint = await this.discovering);
  }

  /** POSTs a token request with `params` and returns the bearer token it answers with. */
  async request(params: URLSearchParams): Promise<IssuedToken> {
    const endpoint = await this.url();
    const basic = Buffer.from(`${formEncode(this.config.clientId)}:${formEncode(this.config.clientSecret)}`).toString('base64');
    const requestedAt = this.now();
    const response = await this.fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: params.toString(),
    });
    const answer = await readJson(response);
    if (!response.ok) {
      if (response.status >= 400 && response.status < 500 && answer !== null) throw new TokenRefusedError(response.status, oauthError(answer));
      throw tokenFailed(`the token endpoint answered HTTP ${response.status}${oauthErrorText(answer)}`);
    }
    const token = answer?.access_token;
    const type = answer?.token_type;
    if (answer === null || typeof token !== 'string' || token === '' || typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
      throw tokenFailed('the token endpoint answered without a bearer access_token');
    }
    const expiresIn = answer.expires_in;
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : Infinity;
    return { token, requestedAt, lifetimeMs, answer };
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
      const response = await this.fetch(candidate, { headers: { accept: 'application/json' } });
      const metadata = await readJson(response);
      if (!response.ok || metadata === null) continue;
      if (metadata.issuer !== issuer) throw tokenFailed(`the metadata at ${candidate} names another issuer`);
      if (typeof metadata.token_endpoint !== 'string') throw tokenFailed(`the metadata at ${candidate} names no token_endpoint`);
      return metadata.token_endpoint;
    }
    throw tokenFailed(`no authorization server metadata for ${issuer}`);
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw tokenFailed(`cannot reach ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** SLUICE_ROUTER_BACKEND_TOKEN_FAILED for `reason`. */
export function tokenFailed(reason: string): RouterError {
  return new RouterError('SLUICE_ROUTER_BACKEND_TOKEN_FAILED', `Cannot get an access token: ${reason}`);
}

/** When to renew a token: 30 s before it expires, or at nine tenths of its lifetime when that is shorter. */
export function renewAt(issued: IssuedToken): number {
  return issued.requestedAt + issued.lifetimeMs - Math.min(30_000, issued.lifetimeMs / 10);
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The OAuth `error` code of a refusal if it is short and printable; never its description, which may hold anything. */
function oauthError(answer: Record<string, unknown> | null): string | null {
  const code = answer?.error;
  return typeof code === 'string' && /^[\x20-\x7e]{1,64}$/.test(code) ? code : null;
}

function oauthErrorText(answer: Record<string, unknown> | null): string {
  const code = oauthError(answer);
  return code === null ? '' : ` (${code})`;
}

/** RFC 6749 section 2.3.1: client id and secret are form-encoded before Basic authentication. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
