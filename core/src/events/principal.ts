import type { Principal } from '@sluice/schemas';

/**
 * A principal as a producer gives it: who acts and their roles, with the credential fields (scopes, environment,
 * auth method, token id) optional. A producer that does not authenticate callers leaves them out.
 */
export type PrincipalInit = Pick<Principal, 'user' | 'agent' | 'roles'> & Partial<Omit<Principal, 'user' | 'agent' | 'roles'>>;

/**
 * The principal an event records: `init` with every credential field it leaves out at its default (no scopes, null
 * environment, auth method and token id), or nobody when there is no `init`. A complete principal is returned as
 * it is, so events carried from one to the next share it.
 */
export function toPrincipal(init: PrincipalInit | undefined): Principal {
  if (init === undefined) return { user: null, agent: null, roles: [], scopes: [], environment: null, authMethod: null, tokenId: null };
  if (init.scopes !== undefined && init.environment !== undefined && init.authMethod !== undefined && init.tokenId !== undefined) {
    return init as Principal;
  }
  return {
    user: init.user,
    agent: init.agent,
    roles: init.roles,
    scopes: init.scopes ?? [],
    environment: init.environment ?? null,
    authMethod: init.authMethod ?? null,
    tokenId: init.tokenId ?? null,
  };
}
