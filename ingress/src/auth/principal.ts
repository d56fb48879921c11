import type { AuthMethod as EventAuthMethod } from '@sluice/schemas';

/** How a caller proved who it is (`none`, the anonymous caller, has no verified principal). */
export type AuthMethod = Exclude<EventAuthMethod, 'none'>;

/**
 * The caller as the ingress verified it: who (tenant, user, agent, roles), what the token allows (scopes), how it
 * authenticated, and the token's id (`jti`). Never the token itself.
 */
export interface VerifiedPrincipal {
  readonly tenant: string;
  /** The environment the credential is valid in (its claim or key entry, else `ingress.environment`); null: none. */
  readonly environment: string | null;
  readonly user: string | null;
  readonly agent: string | null;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  readonly authMethod: AuthMethod;
  readonly tokenId: string | null;
}

/**
 * The key sessions are bound to and counted by: the same caller, whichever of its tokens it presents, as long as they
 * name the same environment (a session opened with a `staging` token cannot be carried on with a `production` one).
 */
export function principalKey(principal: VerifiedPrincipal): string {
  return JSON.stringify([principal.authMethod, principal.tenant, principal.user, principal.agent, principal.environment]);
}

/** What the listener assigns when a credential names no tenant or environment (`ingress.tenant`, `ingress.environment`). */
export interface PrincipalDefaults {
  readonly tenant: string;
  readonly environment: string | null;
}
