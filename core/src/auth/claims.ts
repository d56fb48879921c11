import type { JWTPayload } from 'jose';
import type { OAuthClaimsConfig } from '../config/types.js';

const MAX_VALUE_CHARS = 256;
const MAX_LIST = 64;

/** Who a verified token names, read through a claim mapping; `tenant` is null when the mapping or the token has none. */
export interface TokenIdentity {
  readonly tenant: string | null;
  /** The environment the token names (`claims.environment`); null when the mapping or the token has none. */
  readonly environment: string | null;
  readonly user: string | null;
  readonly agent: string | null;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** The token's `jti`. */
  readonly tokenId: string | null;
}

/**
 * The identity a verified token names, read through `claims`. A value over 256 characters, or not a string, counts as
 * absent; a list claim keeps its first 64 strings.
 */
export function identityFromClaims(payload: JWTPayload, claims: OAuthClaimsConfig & { environment?: string | null }): TokenIdentity {
  const agent = claims.agent === null ? (text(payload['client_id']) ?? text(payload.azp)) : text(payload[claims.agent]);
  return {
    tenant: claims.tenant === null ? null : text(payload[claims.tenant]),
    environment: claims.environment == null ? null : text(payload[claims.environment]),
    user: text(payload[claims.user]),
    agent,
    roles: list(payload[claims.roles]),
    scopes: list(payload['scope'] ?? payload['scp']),
    tokenId: text(payload.jti),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_VALUE_CHARS ? value : null;
}

/** A claim holding a list: a JSON array of strings, or one space-separated string (as `scope` is). */
function list(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
  return items.map(text).filter((item): item is string => item !== null).slice(0, MAX_LIST);
}
