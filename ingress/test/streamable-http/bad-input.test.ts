import type { EventOf } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { POST_HEADERS, callEcho, initializeRequest, openSession, post } from '../support/http.js';

const MAX_BODY = 4096;

interface Case {
  name: string;
  send: (url: string, session: string) => Promise<Response>;
  status: number;
  /** JSON-RPC error code of the body; null when the body is empty. */
  code: number | null;
  id?: unknown;
}

const withSession = (session: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'Mcp-Session-Id': session, ...extra });
const ping = { jsonrpc: '2.0', id: 7, method: 'ping' };

const cases: Case[] = [
  { name: 'unparseable JSON', send: (u, s) => post(u, '{"jsonrpc":"2.0",', withSession(s)), status: 400, code: -32700 },
  { name: 'invalid UTF-8', send: (u, s) => fetch(u, { method: 'POST', headers: { ...POST_HEADERS, ...withSession(s) }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), status: 400, code: -32700 },
  { name: 'a batch (JSON array)', send: (u, s) => post(u, [ping, ping], withSession(s)), status: 400, code: -32600 },
  { name: 'a JSON string', send: (u, s) => post(u, '"ping"', withSession(s)), status: 400, code: -32600 },
  { name: 'wrong jsonrpc version', send: (u, s) => post(u, { ...ping, jsonrpc: '1.0' }, withSession(s)), status: 400, code: -32600 },
  { name: 'an object id', send: (u, s) => post(u, { ...ping, id: { a: 1 } }, withSession(s)), status: 400, code: -32600 },
  { name: 'a null id on a request', send: (u, s) => post(u, { ...ping, id: null }, withSession(s)), status: 400, code: -32600 },
  { name: 'a fractional id', send: (u, s) => post(u, { ...ping, id: 1.5 }, withSession(s)), status: 400, code: -32600 },
  { name: 'a non-string method', send: (u, s) => post(u, { ...ping, method: 42 }, withSession(s)), status: 400, code: -32600 },
  { name: 'string params', send: (u, s) => post(u, { ...ping, params: 'x' }, withSession(s)), status: 400, code: -32600 },
  { name: 'a response with both result and error', send: (u, s) => post(u, { jsonrpc: '2.0', id: 3, result: {}, error: { code: 1, message: 'x' } }, withSession(s)), status: 400, code: -32600 },
  { name: 'nesting deeper than 64 levels', send: (u, s) => post(u, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(80)}${']'.repeat(80)}}}`, withSession(s)), status: 400, code: -32600 },
  {
    name: 'a body over maxBodyBytes with Content-Length',
    send: (u, s) => post(u, { ...ping, params: { pad: 'x'.repeat(MAX_BODY) } }, withSession(s)),
    status: 413,
    code: -32600,
  },
  {
    name: 'a chunked body that grows over maxBodyBytes',
    send: (u, s) =>
      fetch(u, {
        method: 'POST',
        headers: { ...POST_HEADERS, ...withSession(s) },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"`));
            for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(2000)));
            controller.enqueue(new TextEncoder().encode('"}}'));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
    status: 413,
    code: -32600,
  },
  { name: 'an unknown method', send: (u, s) => post(u, { ...ping, id: 'u1', method: 'tools/explode' }, withSession(s)), status: 200, code: -32601, id: 'u1' },
  { name: 'an unknown notification', send: (u, s) => post(u, { jsonrpc: '2.0', method: 'explode' }, withSession(s)), status: 400, code: -32601 },
  { name: 'Content-Type text/plain', send: (u, s) => post(u, ping, withSession(s, { 'Content-Type': 'text/plain' })), status: 415, code: -32000 },
  { name: 'Accept text/html', send: (u, s) => post(u, ping, withSession(s, { Accept: 'text/html' })), status: 406, code: -32000 },
  { name: 'a foreign Origin', send: (u, s) => post(u, ping, withSession(s, { Origin: 'https://evil.example' })), status: 403, code: -32000 },
  { name: 'Origin "null"', send: (u, s) => post(u, ping, withSession(s, { Origin: 'null' })), status: 403, code: -32000 },
  { name: 'no Mcp-Session-Id', send: (u) => post(u, ping), status: 400, code: -32000, id: 7 },
  { name: 'an unknown session', send: (u) => post(u, ping, { 'Mcp-Session-Id': 'f'.repeat(64) }), status: 404, code: -32001, id: 7 },
  { name: 'an unsupported MCP-Protocol-Version', send: (u, s) => post(u, ping, withSession(s, { 'MCP-Protocol-Version': '1999-01-01' })), status: 400, code: -32000 },
  { name: 'initialize inside a session', send: (u, s) => post(u, initializeRequest(2), withSession(s)), status: 400, code: -32600, id: 2 },
  {
    name: 'initialize without protocolVersion',
    send: (u) => post(u, { jsonrpc: '2.0', id: 'i', method: 'initialize', params: { capabilities: {} } }),
    status: 200,
    code: -32602,
    id: 'i',
  },
  { name: 'another path', send: (u, s) => post(u.replace('/mcp', '/other'), ping, withSession(s)), status: 404, code: -32000 },
  { name: 'PUT /mcp', send: (u, s) => fetch(u, { method: 'PUT', headers: { ...POST_HEADERS, ...withSession(s) }, body: JSON.stringify(ping) }), status: 405, code: -32000 },
  { name: 'GET without Accept: text/event-stream', send: (u, s) => fetch(u, { headers: { Accept: 'application/json', ...withSession(s) } }), status: 406, code: -32000 },
  { name: 'GET without a session', send: (u) => fetch(u, { headers: { Accept: 'text/event-stream' } }), status: 400, code: -32000 },
  { name: 'DELETE of an unknown session', send: (u) => fetch(u, { method: 'DELETE', headers: { 'Mcp-Session-Id': 'a'.repeat(64) } }), status: 404, code: -32001 },
];

describe('bad input on POST/GET/DELETE /mcp', () => {
  let h: Harness;
  let session: string;
  let nextId = 100;
  beforeAll(async () => {
    h = await startHarness({ maxBodyBytes: MAX_BODY, allowedOrigins: ['https://app.example.com'] });
    session = await openSession(h.url);
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each(cases)('$name → HTTP $status, JSON-RPC $code; the next call still works', async (c) => {
    const response = await c.send(h.url, session);
    expect(response.status).toBe(c.status);
    const text = await response.text();
    if (c.code === null) {
      expect(text).toBe('');
    } else {
      expect(response.headers.get('content-type')).toBe('application/json');
      const body = JSON.parse(text) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
      expect(body).toMatchObject({ jsonrpc: '2.0', id: c.id ?? null, error: { code: c.code } });
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    if (c.status === 405) expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
    const id = nextId++;
    const ok = await callEcho(h.url, session, id);
    expect(ok).toMatchObject({ jsonrpc: '2.0', id, result: { echoed: { name: 'echo', arguments: { n: id } } } });
  });

  it('accepts loopback origins and configured origins', async () => {
    for (const origin of ['http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:8080', 'https://app.example.com']) {
      const response = await post(h.url, { ...ping, id: origin }, withSession(session, { Origin: origin }));
      expect(response.status, origin).toBe(200);
      expect(await response.json()).toEqual({ jsonrpc: '2.0', id: origin, result: {} });
    }
  });

  it('never put a rejected message on the bus', async () => {
    await callEcho(h.url, session, 999);
    await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.body.jsonrpcId === '999');
    const methods = new Set(h.recorded.flatMap((e) => (e.type === 'client.message' ? [e.body.method] : [])));
    expect([...methods].sort()).toEqual(['initialize', 'notifications/initialized', 'ping', 'tools/call']);
    const pings = h.recorded.filter((e) => e.type === 'client.message' && e.body.method === 'ping');
    expect(pings).toHaveLength(4);
  });
});
