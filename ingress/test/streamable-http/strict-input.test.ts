import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { callEcho, initializeRequest, openSession, post } from '../support/http.js';

const MAX_BODY = 2 * 1024 * 1024;

interface ErrorBody {
  jsonrpc: string;
  id: unknown;
  error: { code: number; message: string };
}

const isOpened = (e: SluiceEvent): e is EventOf<'session.opened'> => e.type === 'session.opened';

describe('strict JSON-RPC at the ingress', () => {
  let h: Harness;
  let session: string;
  const headers = (): Record<string, string> => ({ 'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-11-25' });

  beforeAll(async () => {
    h = await startHarness({ maxBodyBytes: MAX_BODY });
    session = await openSession(h.url);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses a tools/call whose params name two tools, and never dispatches it', async () => {
    const body = '{"jsonrpc":"2.0","id":"dup","method":"tools/call","params":{"name":"echo","arguments":{"n":1},"name":"silent"}}';
    const response = await post(h.url, body, headers());
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(answer.error.message).toContain('the key "name" appears twice');

    await callEcho(h.url, session, 1);
    await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.body.jsonrpcId === '1');
    expect(h.router.seen.filter((e) => e.body.jsonrpcId === '"dup"')).toEqual([]);
    expect(h.recorded.filter((e) => e.type === 'client.message' && e.body.jsonrpcId === '"dup"')).toEqual([]);
  });

  it('refuses a key repeated inside tool arguments', async () => {
    const body = '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"path":"notes/a.txt","opts":{"mode":"r","mode":"w"}}}}';
    const response = await post(h.url, body, headers());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32600, message: expect.stringContaining('"mode" appears twice') } });
  });

  it('refuses the id 9007199254740993 instead of answering it as …992', async () => {
    const response = await post(h.url, '{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', headers());
    expect(response.status).toBe(400);
    const answer = (await response.json()) as ErrorBody;
    expect(answer).toMatchObject({ id: null, error: { code: -32600 } });
    expect(answer.error.message).toContain('cannot be echoed exactly');

    const exact = await post(h.url, '{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}', headers());
    expect(await exact.text()).toBe('{"jsonrpc":"2.0","id":9007199254740991,"result":{}}');
  });

  it('refuses a 1 MB clientInfo.name with -32602, opening no session', async () => {
    const request = initializeRequest('big', 'x'.repeat(1024 * 1024));
    const response = await post(h.url, request);
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const answer = (await response.json()) as ErrorBody;
    expect(answer).toEqual({ jsonrpc: '2.0', id: 'big', error: { code: -32602, message: 'Invalid params: clientInfo.name is longer than 256 characters' } });
    expect(h.recorded.filter(isOpened).some((e) => (e.body.clientName?.length ?? 0) > 256)).toBe(false);
  });

  it.each([
    ['clientInfo.version', { clientInfo: { name: 'c', version: 'v'.repeat(257) } }, 'clientInfo.version is longer than 256 characters'],
    ['clientInfo.title', { clientInfo: { name: 'c', version: '1', title: 't'.repeat(257) } }, 'clientInfo.title is longer than 256 characters'],
    ['a non-string clientInfo.name', { clientInfo: { name: { a: 1 }, version: '1' } }, 'clientInfo.name must be a string'],
    ['a clientInfo that is not an object', { clientInfo: 'me' }, 'clientInfo must be an object'],
    ['a long protocolVersion', { protocolVersion: '2'.repeat(65) }, 'protocolVersion is longer than 64 characters'],
    ['capabilities that are not an object', { capabilities: [1] }, 'capabilities must be an object'],
    ['16 KiB of capabilities', { capabilities: { experimental: { pad: 'p'.repeat(16_384) } } }, 'capabilities is larger than 16384 characters of JSON'],
  ])('refuses %s at initialize with -32602', async (_name, change, message) => {
    const request = initializeRequest('i');
    const response = await post(h.url, { ...request, params: { ...(request.params as object), ...change } });
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 'i', error: { code: -32602, message: `Invalid params: ${message}` } });
  });

  it('accepts strings at the bound and carries the name as the agent of every event', async () => {
    const name = 'n'.repeat(256);
    const id = await openSession(h.url, name);
    await callEcho(h.url, id, 3);
    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => isOpened(e) && e.sessionId === id);
    expect(opened.body.clientName).toBe(name);
    const call = await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.sessionId === id && e.body.method === 'tools/call');
    expect(call.principal.agent).toBe(name);
  });

  it('drops a tracestate that is too long or not printable ASCII, and keeps a well-formed one', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const send = async (id: number, tracestate: string): Promise<EventOf<'client.message'>> => {
      const response = await post(h.url, { jsonrpc: '2.0', id, method: 'ping' }, { ...headers(), traceparent, tracestate });
      expect(response.status).toBe(200);
      await response.text();
      return h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.body.jsonrpcId === String(id));
    };
    expect((await send(41, 'vendor=abc')).tracestate).toBe('vendor=abc');
    expect((await send(42, `vendor=${'a'.repeat(600)}`)).tracestate).toBeNull();
    expect((await send(43, 'vendor=\u00e9t\u00e9')).tracestate).toBeNull();
  });
});
