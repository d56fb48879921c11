import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/** A key jose signs with. */
export type SigningKey = Parameters<SignJWT['sign']>[0];

/** A client of the test provider, allowed the client-credentials grant. */
export interface TestClient {
  id: string;
  secret: string;
  /** Claims the provider adds to this client's access tokens. */
  claims?: Record<string, unknown>;
}

/** An OpenID Provider on 127.0.0.1 issuing JWT access tokens (client credentials, resource indicators). */
export interface TestProvider {
  issuer: string;
  jwksUri: string;
  /** The provider's signing key, to forge tokens the way an attacker holding a key could not. */
  privateKey: SigningKey;
  kid: string;
  /** The resource tokens are issued for unless a request names another (the gateway's, once it is known). */
  resource: string;
  /** An access token for `client` from the token endpoint. */
  token(client: TestClient, options?: { resource?: string; scope?: string }): Promise<string>;
  /** Signs `payload` with the provider's key (or another) outside the provider. */
  sign(payload: JWTPayload, options?: { key?: SigningKey; kid?: string; alg?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a provider for `clients`; every token carries the scopes it asks for among `scopes`. */
export async function startTestProvider(clients: TestClient[], scopes: string[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const byId = new Map(clients.map((c) => [c.id, c]));
  const state = { resource: 'http://127.0.0.1/mcp' };
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: scopes.join(' '),
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    scopes,
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => state.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => ({
          scope: scopes.join(' '),
          audience: resourceIndicator,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => byId.get(token.clientId ?? '')?.claims,
  });
  server.on('request', provider.callback());
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    privateKey,
    kid,
    get resource() {
      return state.resource;
    },
    set resource(value: string) {
      state.resource = value;
    },
    async token(client, options = {}) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource: options.resource ?? state.resource });
      if (options.scope !== undefined) body.set('scope', options.scope);
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!json.access_token) throw new Error(`token endpoint: ${json.error ?? response.status} ${json.error_description ?? ''}`);
      return json.access_token;
    },
    sign(payload, options = {}) {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? kid, typ: 'at+jwt' })
        .sign(options.key ?? privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
