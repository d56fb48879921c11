import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A machine client of the provider (client-credentials grant) and the claims its access tokens carry. */
export interface OidcClient {
  id: string;
  secret: string;
  /** Claims added to every access token of this client, e.g. `tenant` and `roles`. */
  claims: Record<string, unknown>;
}

/** An OpenID Provider on 127.0.0.1 that issues RS256 JWT access tokens for one resource. */
export interface OidcProvider {
  /** The issuer (`iss`), also the base URL. */
  issuer: string;
  jwksUri: string;
  /** An access token for `client`, for `resource` (RFC 8707), with `scope` (default: every scope of the provider). */
  token(client: OidcClient, scope?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a provider issuing tokens for `resource` with scopes among `scopes`. */
export async function startOidcProvider(clients: OidcClient[], scopes: string[], resource: string): Promise<OidcProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: JsonWebKey = { ...privateKey.export({ format: 'jwk' }), kid: 'integration-1', alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const claimsOf = new Map(clients.map((c) => [c.id, c.claims]));
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: scopes.join(' '),
    })),
    jwks: { keys: [key] },
    cookies: { keys: ['integration-cookie-key'] },
    scopes,
    ttl: { ClientCredentials: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: scopes.join(' '), audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => claimsOf.get(token.clientId ?? ''),
  });
  server.on('request', provider.callback());
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    async token(client, scope = scopes.join(' ')) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token endpoint ${response.status}: ${body.error ?? ''} ${body.error_description ?? ''}`);
      return body.access_token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The claims of a JWT, read without verification (the gateway verified it; tests compare against them). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
