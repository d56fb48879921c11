import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';
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
}

/** Runs oidc-provider in-process with client credentials and resource indicators; tokens live `ttlSeconds`. */
export async function startAuthorizationServer(client: { id: string; secret: string }, resource: string, ttlSeconds = 300): Promise<AuthorizationServer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const counted = { tokenRequests: 0 };
  const server = createServer();
  const listening = await listen(server);
  const issuer = listening.origin;
  const provider = new Provider(issuer, {
    clients: [{ client_id: client.id, client_secret: client.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'tools' }],
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
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/token')) counted.tokenRequests++;
    void callback(req, res);
  });
  return Object.assign(counted, listening, { issuer });
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
        await mcp.connect(created);
        transport = created;
      }
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
