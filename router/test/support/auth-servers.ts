import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { SignJWT, createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { createTestServer } from './servers.js';

/** A listening HTTP server on 127.0.0.1 and how to stop it. */
export interface Listening {
  server: Server;
  origin: string;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An OpenID Provider issuing JWT access tokens for `resource` to one client by client credentials. */
export interface AuthorizationServer extends Listening {
  issuer: string;
  /** Token requests answered so far. */
  tokenRequests: number;
  /** Verified payloads of the subject assertions exchanged so far (RFC 8693), in order. */
  assertions: JWTPayload[];
}

/** RFC 8693 token exchange at the test provider: whose assertions it trusts, and users it refuses. */
export interface ExchangeTrust {
  /** The gateway's public key, which signs the subject assertions. */
  publicKey: CryptoKey | KeyObject;
  /** `iss` of the assertions. */
  assertionIssuer: string;
  /** Users the provider will not issue a token for (`invalid_grant`). */
  refuse?: ReadonlySet<string>;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * Runs oidc-provider in-process with client credentials and resource indicators; tokens live `ttlSeconds`. With
 * `exchange`, the client may also use the RFC 8693 grant, registered here since oidc-provider has none built in.
 */
export async function startAuthorizationServer(
  client: { id: string; secret: string },
  resource: string,
  ttlSeconds = 300,
  exchange?: ExchangeTrust,
): Promise<AuthorizationServer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const counted = { tokenRequests: 0, assertions: [] as JWTPayload[] };
  const server = createServer();
  const listening = await listen(server);
  const issuer = listening.origin;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        grant_types: exchange ? ['client_credentials', TOKEN_EXCHANGE] : ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'tools',
      },
    ],
    scopes: ['tools'],
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return { scope: 'tools', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: ttlSeconds, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  });
  if (exchange) {
    const handler = exchangeHandler({ ...exchange, client: client.id, issuer, resource, ttlSeconds, privateKey, assertions: counted.assertions });
    provider.registerGrantType(TOKEN_EXCHANGE, handler, ['subject_token', 'subject_token_type', 'requested_token_type', 'resource', 'scope', 'audience']);
  }
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/token')) counted.tokenRequests++;
    void callback(req, res);
  });
  return Object.assign(counted, listening, { issuer });
}

/**
 * The RFC 8693 grant as an authorization server that trusts the gateway's assertions would run it: the client must
 * be the gateway; the subject token must be a JWT signed by the gateway's key, from its issuer, for this token
 * endpoint, unexpired, at most 60 s long and never seen before; the token issued is a JWT for `resource` whose
 * `sub` is the asserted user and whose `act` names the gateway acting for the agent.
 */
function exchangeHandler(options: ExchangeTrust & {
  client: string;
  issuer: string;
  resource: string;
  ttlSeconds: number;
  privateKey: CryptoKey;
  assertions: JWTPayload[];
}): (ctx: KoaContextWithOIDC) => Promise<void> {
  const seen = new Set<string>();
  return async (ctx) => {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    if (ctx.oidc.client?.clientId !== options.client) throw new errors.UnauthorizedClient('not the gateway');
    if (params.subject_token_type !== 'urn:ietf:params:oauth:token-type:jwt') throw new errors.InvalidRequest('unsupported subject_token_type');
    if (params.resource !== undefined && params.resource !== options.resource) throw new errors.InvalidTarget();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(params.subject_token ?? '', options.publicKey, { issuer: options.assertionIssuer, audience: `${options.issuer}/token`, requiredClaims: ['sub', 'exp', 'iat', 'jti'] }));
    } catch {
      throw new errors.InvalidGrant('subject token invalid');
    }
    if ((payload.exp as number) - (payload.iat as number) > 60 || seen.has(payload.jti as string)) throw new errors.InvalidGrant('subject token invalid');
    seen.add(payload.jti as string);
    options.assertions.push(payload);
    if (options.refuse?.has(payload.sub as string)) throw new errors.InvalidGrant('user may not use this resource');
    const actor = (payload.act as { sub?: string } | undefined)?.sub;
    const accessToken = await new SignJWT({ scope: params.scope ?? 'tools', client_id: options.client, act: { sub: options.client, ...(actor ? { act: { sub: actor } } : {}) } })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'at+jwt' })
      .setIssuer(options.issuer)
      .setSubject(payload.sub as string)
      .setAudience(options.resource)
      .setIssuedAt()
      .setExpirationTime(`${options.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(options.privateKey);
    ctx.body = { access_token: accessToken, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: options.ttlSeconds };
  };
}

/** A Streamable HTTP MCP backend (the test server's tools) that records the headers of every request it gets. */
export interface RecordingBackend extends Listening {
  url: string;
  /** Headers of every request, in order. */
  seen: IncomingHttpHeaders[];
  /** Tool calls that reached the MCP server. */
  calls(): number;
  /** Refuses the next request whose bearer token is the one given, as if it had been revoked. */
  revoke(token: string): void;
}

/**
 * Runs the backend. `verify` decides each request from its headers; a refused request gets 401 with a
 * `WWW-Authenticate: Bearer resource_metadata=...` challenge, as an MCP server asking for OAuth would send.
 */
export async function startRecordingBackend(verify: (headers: IncomingHttpHeaders) => Promise<boolean>): Promise<RecordingBackend> {
  const seen: IncomingHttpHeaders[] = [];
  const revoked = new Set<string>();
  const probe = { cancelled: 0, started: 0 };
  let calls = 0;
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer((req, res) => {
    void (async () => {
      seen.push(req.headers);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if ((token !== undefined && revoked.delete(token)) || !(await verify(req.headers))) {
        res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${listening.origin}/.well-known/oauth-protected-resource"` });
        res.end('{"error":"invalid_token"}');
        return;
      }
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id): void => {
            sessions.set(id, created);
          },
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        const mcp = createTestServer(probe);
        mcp.registerTool('whoami', { description: 'Names the subject of the bearer token the request came with' }, (extra) => ({
          content: [{ type: 'text', text: `sub: ${String(extra.authInfo?.extra?.sub ?? 'none')}` }],
        }));
        await mcp.connect(created);
        transport = created;
      }
      if (token !== undefined) (req as IncomingMessage & { auth?: AuthInfo }).auth = { token, clientId: '', scopes: [], extra: { sub: subjectOf(token) } };
      if (req.method === 'POST') calls += await countToolCall(req);
      await transport.handleRequest(req, res, parsedBody.get(req));
    })();
  });
  const parsedBody = new WeakMap<object, unknown>();
  async function countToolCall(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    parsedBody.set(req, body);
    return (body as { method?: unknown }).method === 'tools/call' ? 1 : 0;
  }
  const listening = await listen(server);
  return Object.assign(listening, {
    url: `${listening.origin}/mcp`,
    seen,
    calls: () => calls,
    revoke: (token: string) => revoked.add(token),
  });
}

/** The `sub` of a JWT (already verified by the backend's check), or null. */
function subjectOf(token: string): string | null {
  try {
    return decodeJwt(token).sub ?? null;
  } catch {
    return null;
  }
}

/** Verifies a bearer JWT against the issuer's JWKS, for `audience`. */
export function jwtVerifier(issuer: string, audience: string): (headers: IncomingHttpHeaders) => Promise<boolean> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  return async (headers) => {
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!token) return false;
    try {
      await jwtVerify(token, jwks, { issuer, audience });
      return true;
    } catch {
      return false;
    }
  };
}
