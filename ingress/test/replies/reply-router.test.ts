import { createLogger, newEvent } from '@sluice/core';
import type { BackendMessageBody, EventOf } from '@sluice/schemas';
import { describe, expect, it } from 'vitest';
import { Exchange } from '../../src/http/exchange.js';
import { SseStream } from '../../src/http/sse-stream.js';
import { PendingRequests, type Flight } from '../../src/replies/pending-requests.js';
import { createReplyHandler } from '../../src/replies/reply-router.js';
import { SessionStore } from '../../src/sessions/session-store.js';
import { FakeResponse } from '../support/fake-response.js';

const body = (terminal: boolean): BackendMessageBody => ({
  terminal,
  outcome: terminal ? 'ok' : null,
  errorCode: null,
  method: null,
  jsonrpcId: null,
  server: null,
  tool: null,
  policyRevision: null,
  requestTime: null,
  requestBytes: null,
  latencyMs: null,
  redaction: null,
});

function reply(terminal: boolean, sessionId: string, requestId: string | null, text: string): EventOf<'backend.message'> {
  return newEvent('backend.message', body(terminal), { tenant: 't', sessionId, requestId, message: Buffer.from(text) });
}

function setup(): { handle: ReturnType<typeof createReplyHandler>; completed: string[]; res: FakeResponse; sessionId: string } {
  const pending = new PendingRequests();
  const sessions = new SessionStore({ max: 10, maxPerAddress: 10, idleTtlMs: 60_000, maxLifetimeMs: 60_000, createPerMinute: 60 });
  const completed: string[] = [];
  const session = sessions.create({ clientName: 'c', clientVersion: null, protocolVersion: '2025-11-25', owner: '127.0.0.1' });
  const flight: Flight = {
    requestId: 'req-1',
    sessionId: session.id,
    complete: (r) => void completed.push(Buffer.from(r.message!).toString()),
    relay: () => false,
    abandon: () => undefined,
  };
  pending.add(flight);
  const res = new FakeResponse();
  const headOf = { method: 'GET', path: '/mcp', host: null, origin: null, accept: null, contentType: null, contentLength: null, sessionId: null, protocolVersion: null, traceparent: null, tracestate: null, authorization: null, apiKey: null, peer: '127.0.0.1' };
  session.stream = new SseStream(new Exchange(res, headOf), { keepAliveMs: 60_000, maxQueuedBytes: 10_000 });
  session.stream.open();
  const handle = createReplyHandler({ pending, sessions, logger: createLogger('silent') });
  return { handle, completed, res, sessionId: session.id };
}

const consumed = (event: EventOf<'backend.message'>) => ({ event, record: { topic: 'r', partition: 0, offset: '0', key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 } });

describe('reply routing', () => {
  it('answers the pending request with a terminal reply of its session', async () => {
    const { handle, completed } = setup();
    await handle([consumed(reply(true, 'other-session', 'req-1', 'stolen')), consumed(reply(true, 'unknown', 'req-9', 'not ours'))]);
    expect(completed).toEqual([]);
    const { handle: handle2, completed: completed2, sessionId } = setup();
    await handle2([consumed(reply(true, sessionId, 'req-1', 'mine'))]);
    expect(completed2).toEqual(['mine']);
  });

  it("puts a non-terminal message on its own session's GET stream only", async () => {
    const { handle, res, sessionId } = setup();
    await handle([consumed(reply(false, 'someone-else', null, '{"n":1}')), consumed(reply(false, sessionId, null, '{"n":2}'))]);
    const events = res.written.filter((w) => w.startsWith('event: message'));
    expect(events).toEqual(['event: message\ndata: {"n":2}\n\n']);
  });
});
