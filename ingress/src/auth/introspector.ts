import type { IntrospectionConfig, TokenClaims, TokenRejection } from '@sluice/core';

/** What the issuer said of a token: its claims and until when the answer may be reused (epoch ms), or why not. */
export type IntrospectionVerdict = { claims: TokenClaims; reuseUntil: number; rejection: null } | { claims: null; reuseUntil: 0; rejection: TokenRejection };

/** Asks the issuer whether an opaque token is active (RFC 7662), and checks what it answers. */
export interface Introspector {
  introspect(token: string, audience: string): Promise<IntrospectionVerdict>;
}

const MAX_ANSWER_CHARS = 64 * 1024;

/**
 * An introspector at `config.endpoint`, or at the `introspection_endpoint` the metadata of `issuer` names (read on
 * first use, again after a failure). The gateway authenticates with HTTP Basic. An active answer must name
 * `audience` in `aud`, carry `issuer` as `iss` when it carries one, be a bearer token when it says its type, and
 * be within `exp` and `nbf` (with `leewayS`).
 */
export function createIntrospector(config: IntrospectionConfig, issuer: string, leewayS: number): Introspector {
  const basic = `Basic ${Buffer.from(`${formEncode(config.clientId)}:${formEncode(config.clientSecret)}`).toString('base64')}`;
  let endpoint: Promise<string> | null = config.endpoint === null ? null : Promise.resolve(config.endpoint);
  const resolveEndpoint = (): Promise<string> => {
    endpoint ??= discover(issuer, config.timeoutMs).catch((err: unknown) => {
      endpoint = null;
      throw err;
    });
    return endpoint;
  };

  return {
    async introspect(token, audience) {
      let answer: unknown;
      try {
        const url = await resolveEndpoint();
        const response = await fetch(url, {
          method: 'POST',
          headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
          signal: AbortSignal.timeout(config.timeoutMs),
          redirect: 'error',
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`the introspection endpoint answered HTTP ${response.status}`);
        if (text.length > MAX_ANSWER_CHARS) throw new Error('the introspection answer is over 64 KiB');
        answer = JSON.parse(text);
      } catch (err) {
        return { claims: null, reuseUntil: 0, rejection: { kind: 'unavailable', cause: err } };
      }
      return check(answer, issuer, audience, leewayS, config.cacheMaxS);
    },
  };
}

function check(answer: unknown, issuer: string, audience: string, leewayS: number, cacheMaxS: number): IntrospectionVerdict {
  const invalid = (reason: string): IntrospectionVerdict => ({ claims: null, reuseUntil: 0, rejection: { kind: 'invalid', reason } });
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { claims: null, reuseUntil: 0, rejection: { kind: 'unavailable', cause: new Error('the introspection answer is not a JSON object') } };
  }
  const claims = answer as TokenClaims & { active?: unknown; token_type?: unknown };
  if (claims.active !== true) return invalid('the token is not active');
  if (claims.iss !== undefined && claims.iss !== issuer) return invalid("the token's iss claim is not accepted");
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(audience)) return invalid("the token's aud claim is not accepted");
  if (typeof claims.token_type === 'string' && claims.token_type.toLowerCase() !== 'bearer') return invalid('the token is not a bearer token');
  const now = Date.now();
  if (typeof claims.exp === 'number' && claims.exp * 1000 + leewayS * 1000 <= now) return invalid('the token expired');
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 - leewayS * 1000 > now) return invalid("the token's nbf claim is not accepted");
  const cap = now + cacheMaxS * 1000;
  const reuseUntil = typeof claims.exp === 'number' ? Math.min(cap, claims.exp * 1000) : cap;
  return { claims, reuseUntil, rejection: null };
}

/** The `introspection_endpoint` of `issuer`'s metadata: RFC 8414 first, then OpenID discovery. */
async function discover(issuer: string, timeoutMs: number): Promise<string> {
  const base = new URL(issuer);
  const path = base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '');
  const candidates = [`${base.origin}/.well-known/oauth-authorization-server${path}`, `${base.origin}${path}/.well-known/openid-configuration`];
  let last: unknown = null;
  for (const url of candidates) {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!response.ok) {
        await response.body?.cancel();
        last = new Error(`${url} answered HTTP ${response.status}`);
        continue;
      }
      const metadata = (await response.json()) as { issuer?: unknown; introspection_endpoint?: unknown };
      if (metadata.issuer !== issuer) throw new Error(`${url} names the issuer ${String(metadata.issuer)}, not ${issuer}`);
      const found = metadata.introspection_endpoint;
      if (typeof found !== 'string' || !secureOrLoopback(found)) throw new Error(`${url} names no usable introspection_endpoint (https, or http on loopback)`);
      return found;
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new Error(`no metadata of ${issuer} names an introspection endpoint`);
}

/** `application/x-www-form-urlencoded`, as RFC 6749 section 2.3.1 wants client credentials encoded before Basic. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function secureOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
}
