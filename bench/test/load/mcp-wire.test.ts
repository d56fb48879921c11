import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpWire } from '../../src/load/mcp-wire.js';

/** A server that answers every request as an SSE stream (a notification first, then the answer), like some gateways. */
function sseServer(seen: Array<string | undefined>): Server {
  return createServer((req, res) => {
    seen.push(req.headers.authorization);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const message = JSON.parse(body) as { id?: number; method: string; params?: { arguments?: { message?: string } } };
      if (message.id === undefined) return void res.writeHead(202).end();
      const result = message.method === 'initialize' ? { protocolVersion: '2025-03-26' } : { content: [{ type: 'text', text: message.params?.arguments?.message ?? '' }] };
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'abc' });
      res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: {} })}\n\n`);
      res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n\n`);
    });
  });
}

describe('McpWire over an SSE-answering server', () => {
  const authorizations: Array<string | undefined> = [];
  const server = sseServer(authorizations);
  let pool: Pool;
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}/mcp`;
    pool = new Pool(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await pool.close();
    server.close();
  });

  it('finds the answer among the events and adopts the negotiated protocol version', async () => {
    const wire = new McpWire(url, pool, 'x__echo', 64, 64);
    const session = await wire.open();
    expect(session.headers).toMatchObject({ 'mcp-session-id': 'abc', 'mcp-protocol-version': '2025-03-26' });
    await wire.call(session, 7);
    await expect(new McpWire(url, pool, 'x__echo', 64, 65).call(session, 8)).rejects.toThrow(/expected 65/);
  });

  it('sends each session its own bearer token on every request, and none without tokens', async () => {
    const wire = new McpWire(url, pool, 'x__echo', 8, 8, ['token-a', 'token-b']);
    authorizations.length = 0;
    const [a, b, c] = [await wire.open(), await wire.open(), await wire.open()];
    await wire.call(a, 1);
    await wire.call(b, 2);
    await wire.call(c, 3);
    expect(authorizations).toEqual([
      ...Array<string>(2).fill('Bearer token-a'),
      ...Array<string>(2).fill('Bearer token-b'),
      ...Array<string>(2).fill('Bearer token-a'),
      'Bearer token-a',
      'Bearer token-b',
      'Bearer token-a',
    ]);
    authorizations.length = 0;
    await new McpWire(url, pool, 'x__echo', 8, 8).open();
    expect(authorizations).toEqual([undefined, undefined]);
  });
});
