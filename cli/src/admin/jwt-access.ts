import { createJwtVerifier, identityFromClaims, readJwksFile, type AdminOAuthConfig } from '@sluice/core';
import { AdminError, type AdminErrorCode } from '../errors.js';
import { ADMIN_ROLE, AUDITOR_ROLE, type AdminGrant } from './grant.js';

/** Why a JWT does not open the admin port. */
export interface JwtRefusal {
  code: AdminErrorCode;
  message: string;
  /** The RFC 6750 error of the challenge. */
  error: 'invalid_token' | 'insufficient_scope' | null;
}

/** Checks a JWT access token presented to the admin port and says what it may do. */
export type AdminJwtCheck = (token: string) => Promise<AdminGrant | JwtRefusal>;

/**
 * The check of `admin.oauth`: the token must verify as the ingress verifies its own (signature against the issuer's
 * JWKS, `iss`, `aud` = `oauth.audience`, `exp`, `nbf`, asymmetric algorithm), then hold the role `admin` (everything)
 * or `auditor` (SQL over its tenant's rows). An auditor's tenant comes from `claims.tenant`; a token without it is
 * refused, unless that mapping is null, when `defaultTenant` (`ingress.tenant`) applies.
 */
export function createAdminJwtCheck(oauth: AdminOAuthConfig, defaultTenant: string): AdminJwtCheck {
  const verifier = createJwtVerifier(oauth, oauth.jwksFile === null ? null : jwks(oauth.jwksFile));
  return async (token) => {
    const verdict = await verifier.verify(token, oauth.audience);
    if (verdict.rejection?.kind === 'unavailable') {
      return { code: 'SLUICE_ADMIN_AUTH_UNAVAILABLE', message: 'the token issuer keys could not be fetched; retry', error: null };
    }
    if (verdict.rejection) return { code: 'SLUICE_ADMIN_UNAUTHORIZED', message: verdict.rejection.reason, error: 'invalid_token' };
    const identity = identityFromClaims(verdict.payload, oauth.claims);
    if (identity.roles.includes(ADMIN_ROLE)) return { role: 'admin', user: identity.user };
    if (!identity.roles.includes(AUDITOR_ROLE)) {
      return {
        code: 'SLUICE_ADMIN_ROLE_MISSING',
        message: `the token holds neither the ${ADMIN_ROLE} nor the ${AUDITOR_ROLE} role (claim ${oauth.claims.roles})`,
        error: 'insufficient_scope',
      };
    }
    const tenant = oauth.claims.tenant === null ? defaultTenant : identity.tenant;
    if (tenant === null) {
      return { code: 'SLUICE_ADMIN_TENANT_MISSING', message: `an ${AUDITOR_ROLE} token must name its tenant (claim ${oauth.claims.tenant})`, error: 'insufficient_scope' };
    }
    return { role: 'auditor', tenant, user: identity.user, tokenId: identity.tokenId };
  };
}

function jwks(path: string): ReturnType<typeof readJwksFile> {
  try {
    return readJwksFile(path);
  } catch (err) {
    throw new AdminError('SLUICE_ADMIN_AUTH_CONFIG', `admin.oauth.jwksFile: ${(err as Error).message}`, err);
  }
}
