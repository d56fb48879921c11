import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../src/backends/backend.js';
import { createInMemoryBackend } from '../../src/backends/in-memory.js';
import type { McpBackend } from '../../src/backends/mcp-backend.js';
import { RouterError } from '../../src/errors.js';
import { rejection, until } from '../support/harness.js';
import { createTestServer, silent, type HangingServerProbe } from '../support/servers.js';

const open: McpBackend[] = [];

function backend(createServer: () => McpServer, onServer?: (server: McpServer) => void): McpBackend {
  const created = createInMemoryBackend({
    name: 'mem',
    createServer,
    timeoutMs: 1_000,
    logger: silent,
    backoff: { initialMs: 20, maxMs: 40 },
    ...(onServer ? { onServer } : {}),
  });
  open.push(created);
  return created;
}

function events(of: McpBackend): BackendEvent[] {
  const seen: BackendEvent[] = [];
  of.onEvent((e) => seen.push(e));
  return seen;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

describe('McpBackend (in memory)', () => {
  it('follows tools/list pagination', async () => {
    const paged = (): McpServer => {
      const server = createTestServer();
      const pages: Record<string, { tools: Array<{ name: string; inputSchema: { type: 'object' } }>; nextCursor?: string }> = {
        '': { tools: [{ name: 'one', inputSchema: { type: 'object' } }], nextCursor: 'p2' },
        p2: { tools: [{ name: 'two', inputSchema: { type: 'object' } }], nextCursor: 'p3' },
        p3: { tools: [{ name: 'three', inputSchema: { type: 'object' } }] },
      };
      server.server.setRequestHandler(ListToolsRequestSchema, (request) => pages[request.params?.cursor ?? '']!);
      return server;
    };
    const mem = backend(paged);
    await mem.connect();
    expect((await mem.listTools()).map((t) => t.name)).toEqual(['one', 'two', 'three']);
  });

  it("rejects with the server's JSON-RPC error, code and data intact", async () => {
    const failing = (): McpServer => {
      const server = createTestServer();
      server.server.setRequestHandler(CallToolRequestSchema, () => {
        throw new McpError(-32099, 'I am a teapot', { brewing: true });
      });
      return server;
    };
    const mem = backend(failing);
    await mem.connect();
    const err = await rejection(mem.callTool('echo', { message: 'x' }, { timeoutMs: 1_000 }));
    expect(err).toBeInstanceOf(McpError);
    expect(err).toMatchObject({ code: -32099, data: { brewing: true } });
  });

  it('times out a call with SLUICE_ROUTER_BACKEND_TIMEOUT and cancels it at the server', async () => {
    const probe: HangingServerProbe = { cancelled: 0 };
    const mem = backend(() => createTestServer(probe));
    await mem.connect();
    const started = Date.now();
    const err = await rejection(mem.callTool('hang', undefined, { timeoutMs: 150 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(err).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_TIMEOUT', retriable: true, message: 'Backend timed out after 150 ms' });
    await until(() => probe.cancelled === 1, 1_000, 'the cancellation at the server');
  });

  it("rejects with the caller's abort reason when the caller aborts", async () => {
    const mem = backend(() => createTestServer());
    await mem.connect();
    const controller = new AbortController();
    const call = mem.callTool('hang', undefined, { timeoutMs: 5_000, signal: controller.signal });
    controller.abort(new RouterError('SLUICE_ROUTER_CALL_CANCELLED', 'cancelled by the client'));
    expect(await rejection(call)).toMatchObject({ code: 'SLUICE_ROUTER_CALL_CANCELLED' });
  });

  it('marks a dropped connection down, fails calls fast, and reconnects to a new server', async () => {
    const servers: McpServer[] = [];
    const mem = backend(() => createTestServer(), (s) => servers.push(s));
    const seen = events(mem);
    await mem.connect();
    const inFlight = rejection(mem.callTool('hang', undefined, { timeoutMs: 5_000 }));
    await servers[0]!.close();
    expect(await inFlight).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_LOST' });
    expect(mem.status().state).toBe('down');
    expect(await rejection(mem.callTool('echo', { message: 'x' }, { timeoutMs: 1_000 }))).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_DOWN' });
    await until(() => mem.status().state === 'up', 2_000, 'the reconnection');
    expect(servers).toHaveLength(2);
    expect(seen).toEqual(['up', 'down', 'up']);
    expect(await mem.callTool('echo', { message: 'again' }, { timeoutMs: 1_000 })).toMatchObject({ content: [{ type: 'text', text: 'echo: again' }] });
  });

  it('rejects connect() for a server that fails, and keeps retrying until it comes up', async () => {
    let attempts = 0;
    const mem = backend(() => {
      attempts++;
      if (attempts < 3) throw new Error('not yet');
      return createTestServer();
    });
    expect(await rejection(mem.connect())).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_DOWN', message: 'Backend mem is down: not yet' });
    expect(mem.status()).toMatchObject({ state: 'down', lastError: 'not yet', failedAttempts: 1 });
    await until(() => mem.status().state === 'up', 2_000, 'the background reconnection');
    expect(attempts).toBe(3);
  });

  it('reports notifications/tools/list_changed', async () => {
    const servers: McpServer[] = [];
    const mem = backend(() => createTestServer(), (s) => servers.push(s));
    const seen = events(mem);
    await mem.connect();
    servers[0]!.registerTool('late', {}, async () => ({ content: [] }));
    await until(() => seen.includes('tools-changed'), 1_000, 'the tools-changed event');
    expect((await mem.listTools()).map((t) => t.name)).toContain('late');
  });

  it('stays closed after close(): calls fail and it does not reconnect', async () => {
    let created = 0;
    const mem = backend(() => {
      created++;
      return createTestServer();
    });
    await mem.connect();
    await mem.close();
    expect(mem.status().state).toBe('closed');
    expect(await rejection(mem.callTool('echo', { message: 'x' }, { timeoutMs: 100 }))).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_CLOSED' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(created).toBe(1);
  });
});
