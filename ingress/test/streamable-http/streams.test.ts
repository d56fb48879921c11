import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { openSession, post, readSseMessages } from '../support/http.js';
import { verbatimReply } from '../support/test-router.js';

const SSE_FIRST = 'text/event-stream, application/json';

function openGetStream(h: Harness, session: string, signal?: AbortSignal): Promise<Response> {
  return fetch(h.url, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session }, signal });
}

function callTool(h: Harness, session: string, id: number, name: string, args: Record<string, unknown>, accept = 'application/json'): Promise<Response> {
  return post(h.url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, { 'Mcp-Session-Id': session, Accept: accept });
}

describe('SSE responses and the GET stream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ requestTimeoutMs: 400, ingress: { keepAliveMs: 50 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers as one SSE message event when Accept lists text/event-stream first', async () => {
    const session = await openSession(h.url);
    const response = await callTool(h, session, 1, 'echo', { a: 1 }, SSE_FIRST);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const events = text.split('\n\n').filter((block) => block.includes('event: message'));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.split('data: ')[1]!)).toMatchObject({ id: 1, result: { echoed: { arguments: { a: 1 } } } });
  });

  it('keeps the reply bytes in SSE mode (line breaks become data lines) and ends the stream', async () => {
    const session = await openSession(h.url);
    const response = await callTool(h, session, 2, 'verbatim', {}, SSE_FIRST);
    const [data] = await readSseMessages(response, 2);
    const request = h.router.seen.find((e) => e.sessionId === session && e.body.jsonrpcId === '2')!;
    expect(data).toBe(verbatimReply(request));
  });

  it('relays a notification about the request on its SSE response before the result', async () => {
    const session = await openSession(h.url);
    const response = await callTool(h, session, 3, 'notify', { related: true, text: 'working' }, SSE_FIRST);
    const messages = (await readSseMessages(response, 2)).map((m) => JSON.parse(m) as Record<string, unknown>);
    expect(messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } },
      expect.objectContaining({ id: 3, result: expect.any(Object) }),
    ]);
  });

  it('answers a timeout as an SSE event in SSE mode', async () => {
    const session = await openSession(h.url);
    const response = await callTool(h, session, 4, 'silent', {}, SSE_FIRST);
    const [data] = await readSseMessages(response, 1);
    expect(JSON.parse(data!)).toEqual({ jsonrpc: '2.0', id: 4, error: { code: -32001, message: 'Request timed out' } });
  });

  it('delivers a session notification to its GET stream, keeps it alive, refuses a second one, and ends it on DELETE', async () => {
    const session = await openSession(h.url);
    const other = await openSession(h.url);
    const stream = await openGetStream(h, session);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const otherStream = await openGetStream(h, other);

    const second = await openGetStream(h, session);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: -32000 } });

    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += value;
      }
    };
    await readUntil(': keep-alive');

    const call = await callTool(h, session, 5, 'notify', { related: false, text: 'to-the-get-stream' });
    expect(await call.json()).toMatchObject({ id: 5, result: expect.any(Object) });
    await readUntil('to-the-get-stream');
    expect(text).toContain('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"to-the-get-stream"}}\n\n');

    const deleted = await fetch(h.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': session } });
    expect(deleted.status).toBe(200);
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    const otherText = await readSseMessages(otherStream, 1, 150);
    expect(otherText).toEqual([]);
  });

  it('lets a session open a new GET stream after the client closed the old one', async () => {
    const session = await openSession(h.url);
    const abort = new AbortController();
    const first = await openGetStream(h, session, abort.signal);
    expect(first.status).toBe(200);
    abort.abort();
    let reopened = await openGetStream(h, session);
    for (let attempt = 0; attempt < 50 && reopened.status === 409; attempt++) {
      await reopened.text();
      await new Promise((resolve) => setTimeout(resolve, 10));
      reopened = await openGetStream(h, session);
    }
    expect(reopened.status).toBe(200);
    await reopened.body?.cancel();
  });
});
