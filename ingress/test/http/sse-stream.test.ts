import { describe, expect, it } from 'vitest';
import { Exchange, type RequestHead } from '../../src/http/exchange.js';
import { SseStream, formatSseEvent } from '../../src/http/sse-stream.js';
import { FakeResponse } from '../support/fake-response.js';

const head: RequestHead = {
  method: 'GET',
  path: '/mcp',
  host: null,
  origin: null,
  accept: 'text/event-stream',
  contentType: null,
  contentLength: null,
  sessionId: null,
  protocolVersion: null,
  traceparent: null,
  tracestate: null,
  authorization: null,
  apiKey: null,
  peer: '127.0.0.1',
};

function openStream(maxQueuedBytes = 1000): { res: FakeResponse; stream: SseStream } {
  const res = new FakeResponse();
  const stream = new SseStream(new Exchange(res, head), { keepAliveMs: 60_000, maxQueuedBytes });
  stream.open();
  return { res, stream };
}

const message = (n: number): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n } }));

describe('formatSseEvent', () => {
  it('writes one data line, or one per line of a multi-line message', () => {
    expect(formatSseEvent(Buffer.from('{"a":1}')).toString()).toBe('event: message\ndata: {"a":1}\n\n');
    expect(formatSseEvent(Buffer.from('{\r\n"a":1\n}')).toString()).toBe('event: message\ndata: {\ndata: "a":1\ndata: }\n\n');
  });
});

describe('SseStream backpressure', () => {
  it('stops writing on backpressure, queues, and flushes in order when the socket drains', () => {
    const { res, stream } = openStream();
    res.congested = true;
    stream.send(message(1));
    stream.send(message(2));
    stream.send(message(3));
    expect(res.written.filter((w) => w.includes('"n":'))).toHaveLength(1);
    expect(res.drain()).toBe(true);
    expect(res.written.filter((w) => w.includes('"n":')).map((w) => JSON.parse(w.split('data: ')[1]!).params.n)).toEqual([1, 2, 3]);
    stream.send(message(4));
    expect(res.written.at(-1)).toContain('"n":4');
  });

  it('writes a bare comment on drain when nothing is queued, so uWS flushes its own buffer', () => {
    const { res, stream } = openStream();
    res.congested = true;
    stream.send(message(1));
    res.drain();
    expect(res.written.at(-1)).toBe(':\n');
    expect(stream.isOpen).toBe(true);
  });

  it('drops a client that falls further behind than maxQueuedBytes', () => {
    const { res, stream } = openStream(300);
    let closed = false;
    stream.onClose(() => (closed = true));
    res.congested = true;
    for (let n = 0; n < 10; n++) stream.send(message(n));
    expect(res.closed).toBe(true);
    expect(closed).toBe(true);
    expect(stream.isOpen).toBe(false);
  });

  it('never writes after the client went away', () => {
    const { res, stream } = openStream();
    const before = res.written.length;
    res.abort();
    stream.send(message(1));
    stream.end();
    expect(res.written).toHaveLength(before);
    expect(res.ended).toBe(false);
  });

  it('ends after flushing what is queued', () => {
    const { res, stream } = openStream();
    res.congested = true;
    stream.send(message(1));
    stream.send(message(2));
    stream.end();
    expect(res.ended).toBe(true);
    expect(res.written.filter((w) => w.includes('"n":'))).toHaveLength(2);
  });
});
