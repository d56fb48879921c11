import { setTimeout as sleep } from 'node:timers/promises';
import type { EventOf } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldBus } from '../support/held-bus.js';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, openSession, post, waitUntil } from '../support/http.js';

/** Starts the request and records when (if ever) its response arrived. */
function track(response: Promise<Response>): { done: () => boolean; response: Promise<Response> } {
  let done = false;
  return { done: () => done, response: response.finally(() => (done = true)) };
}

describe('G1: durable before acknowledged', () => {
  let bus: HeldBus;
  let h: Harness;
  let session: string;
  beforeAll(async () => {
    bus = new HeldBus();
    h = await startHarness({ bus });
    session = await openSession(h.url);
  });
  afterAll(async () => {
    bus.release();
    await h.stop();
  });

  it('answers a notification with 202 only after its client.message is stored', async () => {
    bus.hold(h.events.topic('requests'));
    const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'g1', progress: 1 } };
    const call = track(post(h.url, progress, { 'Mcp-Session-Id': session }));
    await waitUntil(() => bus.waiting === 1);
    await sleep(200);
    expect(call.done()).toBe(false);
    expect(h.recorded.some((e) => e.type === 'client.message' && e.body.method === 'notifications/progress')).toBe(false);

    bus.release();
    const response = await call.response;
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const stored = await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.body.method === 'notifications/progress');
    expect(stored.body).toEqual({ kind: 'notification', method: 'notifications/progress', jsonrpcId: null, redaction: null });
    expect(JSON.parse(Buffer.from(stored.message!).toString('utf8'))).toEqual(progress);
  });

  it('does not answer initialize before session.opened is stored', async () => {
    bus.hold(h.events.topic('sessions'));
    const call = track(post(h.url, initializeRequest(1, 'held-client')));
    await waitUntil(() => bus.waiting === 1);
    await sleep(150);
    expect(call.done()).toBe(false);
    bus.release();
    const response = await call.response;
    expect(response.status).toBe(200);
    const sessionId = response.headers.get('mcp-session-id');
    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === sessionId);
    expect(opened.body.clientName).toBe('held-client');
  });

  it('refuses with 503 and -32603 when the bus cannot store the message, and recovers', async () => {
    bus.failAppends(h.events.topic('requests'));
    const note = await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': session });
    expect(note.status).toBe(503);
    expect(await note.json()).toMatchObject({ id: null, error: { code: -32603 } });
    const request = await post(h.url, { jsonrpc: '2.0', id: 'r1', method: 'ping' }, { 'Mcp-Session-Id': session });
    expect(request.status).toBe(503);
    expect(await request.json()).toMatchObject({ id: 'r1', error: { code: -32603 } });

    bus.failAppends(null);
    const ok = await post(h.url, { jsonrpc: '2.0', id: 'r2', method: 'ping' }, { 'Mcp-Session-Id': session });
    expect(await ok.json()).toEqual({ jsonrpc: '2.0', id: 'r2', result: {} });
  });
});
