import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { McpBackend } from '../../src/backends/mcp-backend.js';
import { createStreamableHttpBackend } from '../../src/backends/streamable-http.js';
import { RouterError } from '../../src/errors.js';
import { rejection, until } from '../support/harness.js';
import { createTestServer, silent, type HangingServerProbe } from '../support/servers.js';

interface TestHttpServer {
  url: string;
  sessions: Map<string, StreamableHTTPServerTransport>;
  /** Requests seen, by JSON-RPC method. */
  methods: string[];
  /** Replaces the answer to tools/call (the SDK server answers the rest). */
  override: ((req: IncomingMessage, res: ServerResponse, message: { id: unknown }) => void) | null;
  close(): Promise<void>;
}

const servers: TestHttpServer[] = [];
const backends: McpBackend[] = [];

/** An SDK server over Streamable HTTP; `json` answers POSTs with JSON bodies instead of SSE streams. */
async function startServer(options: { json: boolean; probe?: HangingServerProbe }): Promise<TestHttpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const state: TestHttpServer = { url: '', sessions, methods: [], override: null, close: async () => {} };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const parsed = text ? (JSON.parse(text) as { id?: unknown; method?: string }) : undefined;
      if (parsed?.method) state.methods.push(parsed.method);
      if (parsed?.method === 'tools/call' && state.override) {
        state.override(req, res, { id: parsed.id });
        return;
      }
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (typeof sessionId === 'string' && !transport) {
        res.writeHead(404).end();
        return;
      }
      if (!transport) {
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: options.json,
          onsessioninitialized: (id): void => {
            sessions.set(id, created);
          },
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await createTestServer(options.probe).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, parsed);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  servers.push(state);
  return state;
}

async function connectedBackend(server: TestHttpServer, timeoutMs = 2_000): Promise<McpBackend> {
  const backend = createStreamableHttpBackend('remote', { transport: 'streamable-http', url: server.url, headers: {}, oauth: null, tokenExchange: null, timeoutMs, prefix: true, idempotentTools: [], tenants: null, environments: null, roles: null, arguments: { validate: true, maxBytes: 262144, maxDepth: 32, tools: {} } }, silent, {
    initialMs: 20,
    maxMs: 40,
  });
  backends.push(backend);
  await backend.connect();
  return backend;
}

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe.each([
  { mode: 'SSE', json: false },
  { mode: 'JSON', json: true },
])('tool calls over Streamable HTTP ($mode answers)', ({ json }) => {
  it('calls the tool in the session the client opened', async () => {
    const server = await startServer({ json });
    const backend = await connectedBackend(server);
    const result = await backend.callTool('echo', { message: 'hi' }, { timeoutMs: 2_000 });
    expect(result.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    expect(server.sessions.size).toBe(1);
    expect(server.methods).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
  });

  it("passes the server's JSON-RPC error through unchanged", async () => {
    const server = await startServer({ json });
    const backend = await connectedBackend(server);
    server.override = (_req, res, { id }) => {
      const answer = { jsonrpc: '2.0', id, error: { code: -32042, message: 'quota exceeded', data: { retryAfter: 5 } } };
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      else res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: message\ndata: ${JSON.stringify(answer)}\n\n`);
    };
    const err = await rejection(backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000 }));
    expect(err).toBeInstanceOf(McpError);
    expect(err).toMatchObject({ code: -32042, data: { retryAfter: 5 } });
    expect((err as McpError).message).toMatch(/quota exceeded/);
  });

  it('times out, and tells the server the call is cancelled', async () => {
    const probe: HangingServerProbe = { cancelled: 0 };
    const server = await startServer({ json, probe });
    const backend = await connectedBackend(server);
    const err = await rejection(backend.callTool('hang', {}, { timeoutMs: 100 }));
    expect(err).toBeInstanceOf(RouterError);
    expect((err as RouterError).code).toBe('SLUICE_ROUTER_BACKEND_TIMEOUT');
    await until(() => probe.cancelled === 1, 2_000, 'the cancellation at the server');
    expect(backend.status().state).toBe('up');
  });

  it('times out through a signal the caller lends, and tells the server the call is cancelled', async () => {
    const probe: HangingServerProbe = { cancelled: 0 };
    const server = await startServer({ json, probe });
    const backend = await connectedBackend(server);
    const controller = new AbortController();
    const abort = (reason: unknown): void => controller.abort(reason);
    const err = await rejection(backend.callTool('hang', {}, { timeoutMs: 100, signal: controller.signal, abort }));
    expect((err as RouterError).code).toBe('SLUICE_ROUTER_BACKEND_TIMEOUT');
    expect(controller.signal.reason).toBe(err);
    await until(() => probe.cancelled === 1, 2_000, 'the cancellation at the server');
  });

  it('forwards a cancellation from the caller', async () => {
    const probe: HangingServerProbe = { cancelled: 0 };
    const server = await startServer({ json, probe });
    const backend = await connectedBackend(server);
    const controller = new AbortController();
    const call = rejection(backend.callTool('hang', {}, { timeoutMs: 5_000, signal: controller.signal }));
    await until(() => server.methods.includes('tools/call'), 2_000, 'the call at the server');
    controller.abort(new RouterError('SLUICE_ROUTER_CALL_CANCELLED', 'cancelled by the client'));
    expect(((await call) as RouterError).code).toBe('SLUICE_ROUTER_CALL_CANCELLED');
    await until(() => probe.cancelled === 1, 2_000, 'the cancellation at the server');
  });

  it('sends nothing for a call cancelled before it starts', async () => {
    const server = await startServer({ json });
    const backend = await connectedBackend(server);
    const controller = new AbortController();
    controller.abort(new RouterError('SLUICE_ROUTER_CALL_CANCELLED', 'cancelled by the client'));
    const seen = server.methods.length;
    const err = await rejection(backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000, signal: controller.signal }));
    expect((err as RouterError).code).toBe('SLUICE_ROUTER_CALL_CANCELLED');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.methods.slice(seen)).toEqual([]);
  });
});

describe('tool calls over Streamable HTTP, when the server misbehaves', () => {
  it('skips other messages on the stream and reads the answer to the call', async () => {
    const server = await startServer({ json: false });
    const backend = await connectedBackend(server);
    server.override = (_req, res, { id }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } })}\n\n`);
      res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id: 'someone-else', result: { content: [] } })}\n\n`);
      // The answer arrives split across writes; the stream stays open after it.
      const answer = `data: ${JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'done' }] } })}\n\n`;
      res.write(answer.slice(0, 20));
      setTimeout(() => res.write(answer.slice(20)), 10);
    };
    const result = await backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000 });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  });

  it('rejects a result that is not a tool result as invalid, and stays connected', async () => {
    const server = await startServer({ json: true });
    const backend = await connectedBackend(server);
    server.override = (_req, res, { id }) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: { content: 'text' } }));
    };
    const err = await rejection(backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000 }));
    expect((err as RouterError).code).toBe('SLUICE_ROUTER_BACKEND_INVALID_RESULT');
    expect(backend.status().state).toBe('up');
  });

  it('fills in the content list a result leaves out', async () => {
    const server = await startServer({ json: true });
    const backend = await connectedBackend(server);
    server.override = (_req, res, { id }) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: { structuredContent: { n: 1 } } }));
    };
    expect(await backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000 })).toEqual({ structuredContent: { n: 1 }, content: [] });
  });

  it('marks the backend down when the session is gone, then opens a new one', async () => {
    const server = await startServer({ json: false });
    const backend = await connectedBackend(server);
    for (const transport of server.sessions.values()) await transport.close();
    expect(server.sessions.size).toBe(0);
    const err = await rejection(backend.callTool('echo', { message: 'x' }, { timeoutMs: 2_000 }));
    expect((err as RouterError).code).toBe('SLUICE_ROUTER_BACKEND_DOWN');
    expect((err as RouterError).message).toMatch(/HTTP 404: the session is gone/);
    await until(() => backend.status().state === 'up', 2_000, 'the reconnection');
    expect(server.sessions.size).toBe(1);
    const result = await backend.callTool('echo', { message: 'again' }, { timeoutMs: 2_000 });
    expect(result.content).toEqual([{ type: 'text', text: 'echo: again' }]);
  });
});
