import type { ApiKeysConfig } from '@sluice/core';
import type { VerifiedPrincipal } from './principal.js';
import { sha256Hex } from './token-cache.js';

/** API keys by the SHA-256 of the key; the config holds only the hashes. */
export class ApiKeys {
  private readonly byDigest = new Map<string, VerifiedPrincipal>();

  constructor(config: ApiKeysConfig, defaultTenant: string) {
    for (const key of config.keys) {
      this.byDigest.set(key.sha256, {
        tenant: key.tenant ?? defaultTenant,
        user: key.user,
        agent: key.agent,
        roles: [...key.roles],
        scopes: [],
        authMethod: 'api-key',
        tokenId: null,
      });
    }
  }

  /** The principal of a presented key, or null for a key that is not listed. */
  lookup(key: string): VerifiedPrincipal | null {
    return this.byDigest.get(sha256Hex(key)) ?? null;
  }
}
