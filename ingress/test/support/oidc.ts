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

/** An OpenID Provider on 127.0.0.1 issuing access tokens (client credentials, resource indicators, introspection, revocation). */
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
  /** Revokes `token` (RFC 7009) as `client`, the client it was issued to. */
  revoke(client: TestClient, token: string): Promise<void>;
  /** Signs `payload` with the provider's key (or another) outside the provider. */
  sign(payload: JWTPayload, options?: { key?: SigningKey; kid?: string; alg?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Options of the test provider. */
export interface TestProviderOptions {
  /** `jwt` (the default) or `opaque` access tokens, which only introspection can check. */
  accessTokenFormat?: 'jwt' | 'opaque';
}

/** Starts a provider for `clients`; every token carries the scopes it asks for among `scopes`. */
export async function startTestProvider(clients: TestClient[], scopes: string[], options: TestProviderOptions = {}): Promise<TestProvider> {
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
          accessTokenFormat: options.accessTokenFormat ?? 'jwt',
          accessTokenTTL: 300,
          ...(options.accessTokenFormat === 'opaque' ? {} : { jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
      introspection: { enabled: true },
      revocation: { enabled: true },
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
        headers: { Authorization: basic(client), 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!json.access_token) throw new Error(`token endpoint: ${json.error ?? response.status} ${json.error_description ?? ''}`);
      return json.access_token;
    },
    async revoke(client, token) {
      const response = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { Authorization: basic(client), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      if (!response.ok) throw new Error(`revocation endpoint: HTTP ${response.status} ${await response.text()}`);
      await response.body?.cancel();
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

function basic(client: TestClient): string {
  return `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
}
