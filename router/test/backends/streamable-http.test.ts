import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';
import { createTestServer } from '../support/servers.js';

/** An SDK server over Streamable HTTP on 127.0.0.1 that requires an API key header. */
async function startHttpServer(): Promise<{ server: Server; url: string; sessions: Map<string, StreamableHTTPServerTransport> }> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer((req, res) => {
    void (async () => {
      if (req.headers['x-api-key'] !== 'let-me-in') {
        res.writeHead(401).end();
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
        await createTestServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/mcp`, sessions };
}

describe('a Streamable HTTP backend', () => {
  let harness: Harness;
  let router: RunningService;
  let http: Awaited<ReturnType<typeof startHttpServer>>;

  beforeAll(async () => {
    http = await startHttpServer();
    harness = await Harness.create();
    router = await startRouter(
      harness.context({
        // The gateway's own argument check is off here, so a call that breaks the schema reaches the server's.
        remote: { transport: 'streamable-http', url: http.url, headers: { 'x-api-key': 'let-me-in' }, timeoutMs: 5_000, arguments: { validate: false } },
        locked: { transport: 'streamable-http', url: http.url, timeoutMs: 1_000 },
      }),
      { backoff: { initialMs: 60_000, maxMs: 60_000 } },
    );
  });

  afterAll(async () => {
    await router?.stop();
    expect(http.sessions.size).toBe(0);
    http.server.closeAllConnections();
    await new Promise((resolve) => http.server.close(resolve));
  });

  it('connects with the configured headers, lists the tools and calls them', async () => {
    expect(http.sessions.size).toBe(1);
    const list = await harness.call({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const names = ((list.response.result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['remote__echo', 'remote__add']));
    const call = await harness.call(toolCall(2, 'remote__echo', { message: 'over http' }));
    expect(call.response.result?.content).toEqual([{ type: 'text', text: 'echo: over http' }]);
    expect(call.event.body).toMatchObject({ outcome: 'ok', server: 'remote', tool: 'echo' });
  });

  it('answers a tool result with isError: true as it is, with outcome error', async () => {
    const call = await harness.call(toolCall(3, 'remote__add', { a: 'x', b: 1 }));
    expect(call.response.result?.isError).toBe(true);
    expect(call.event.body).toMatchObject({ outcome: 'error', errorCode: null, server: 'remote', tool: 'add' });
  });

  it('leaves a server that rejects the connection down without blocking the start, and says so in the snapshot', async () => {
    expect(router.ready()).toBe(true);
    const snapshot = harness.snapshots().at(-1);
    expect(snapshot?.servers.map((s) => [s.name, s.transport, s.status])).toEqual([
      ['locked', 'streamable-http', 'down'],
      ['remote', 'streamable-http', 'up'],
    ]);
  });
});
