import type { OAuthConfig } from '@sluice/core';

/** Where RFC 9728 puts protected resource metadata. */
export const PRM_PREFIX = '/.well-known/oauth-protected-resource';

/** The protected resource metadata document (RFC 9728) of this gateway. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
}

/** The document, its URL (for `resource_metadata` in challenges) and the paths it is served at. */
export interface PublishedMetadata {
  document: ProtectedResourceMetadata;
  url: string;
  paths: ReadonlySet<string>;
}

/**
 * Publishes the metadata of `resource`: at the well-known prefix followed by the resource's path (RFC 9728 §3.1),
 * and also at the bare prefix and the prefix followed by /mcp, which clients probe too.
 */
export function publishMetadata(oauth: OAuthConfig, resource: string): PublishedMetadata {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return {
    document: {
      resource,
      authorization_servers: [...oauth.authorizationServers],
      scopes_supported: [...oauth.scopesSupported],
      bearer_methods_supported: ['header'],
    },
    url: `${url.origin}${PRM_PREFIX}${path}`,
    paths: new Set([PRM_PREFIX, `${PRM_PREFIX}${path}`, `${PRM_PREFIX}/mcp`]),
  };
}
