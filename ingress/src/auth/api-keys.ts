import type { ApiKeysConfig } from '@sluice/core';
import type { PrincipalDefaults, VerifiedPrincipal } from './principal.js';
import { sha256Hex } from './token-cache.js';

/** API keys by the SHA-256 of the key; the config holds only the hashes, and events name a key by its hash's first 12 digits. */
export class ApiKeys {
  private readonly byDigest = new Map<string, VerifiedPrincipal>();

  constructor(config: ApiKeysConfig, defaults: PrincipalDefaults) {
    for (const key of config.keys) {
      this.byDigest.set(key.sha256, {
        tenant: key.tenant ?? defaults.tenant,
        environment: key.environment ?? defaults.environment,
        user: key.user,
        agent: key.agent,
        roles: [...key.roles],
        scopes: [],
        authMethod: 'api-key',
        // The key's id on events: the start of its hash, which names the key without revealing it.
        tokenId: `sha256:${key.sha256.slice(0, 12)}`,
      });
    }
  }

  /** The principal of a presented key, or null for a key that is not listed. */
  lookup(key: string): VerifiedPrincipal | null {
    return this.byDigest.get(sha256Hex(key)) ?? null;
  }
}
