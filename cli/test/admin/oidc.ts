import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/** A client of the test provider (client-credentials grant) and the claims its access tokens carry. */
export interface TestClient {
  id: string;
  secret: string;
  claims: Record<string, unknown>;
}

/** An OpenID Provider on 127.0.0.1 issuing JWT access tokens for any resource a client names. */
export interface TestProvider {
  issuer: string;
  jwksUri: string;
  /** An access token for `client`, its audience `resource`. */
  token(client: TestClient, resource: string): Promise<string>;
  /** Signs `payload` with the provider's own key, outside the provider (to forge issuer or expiry). */
  sign(payload: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a provider for `clients`. */
export async function startTestProvider(clients: TestClient[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'admin-test-key';
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const byId = new Map(clients.map((c) => [c.id, c]));
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({ client_id: c.id, client_secret: c.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['admin-test-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'http://127.0.0.1/none',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => ({
          scope: '',
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
    async token(client, resource) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
      });
      const json = (await response.json()) as { access_token?: string; error?: string };
      if (!json.access_token) throw new Error(`token endpoint: ${json.error ?? response.status}`);
      return json.access_token;
    },
    sign: (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' }).sign(privateKey),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
