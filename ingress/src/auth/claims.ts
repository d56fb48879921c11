import type { OAuthConfig } from '@sluice/core';
import type { JWTPayload } from 'jose';
import type { VerifiedPrincipal } from './principal.js';

const MAX_VALUE_CHARS = 256;
const MAX_LIST = 64;

/** The principal a verified token names, read through the configured claim mapping. */
export function principalFromClaims(payload: JWTPayload, oauth: OAuthConfig, defaultTenant: string): VerifiedPrincipal {
  const { claims } = oauth;
  const agent = claims.agent === null ? (text(payload['client_id']) ?? text(payload.azp)) : text(payload[claims.agent]);
  return {
    tenant: (claims.tenant === null ? null : text(payload[claims.tenant])) ?? defaultTenant,
    user: text(payload[claims.user]),
    agent,
    roles: list(payload[claims.roles]),
    scopes: list(payload['scope'] ?? payload['scp']),
    authMethod: 'oauth',
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
