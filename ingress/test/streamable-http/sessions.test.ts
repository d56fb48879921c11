import type { EventOf } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, openSession, post } from '../support/http.js';

describe('sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ requestTimeoutMs: 300 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('gives each initialize its own unguessable session id', async () => {
    const ids = await Promise.all([openSession(h.url), openSession(h.url), openSession(h.url)]);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps no session when initialize is answered with an error', async () => {
    const response = await post(h.url, initializeRequest('x', 'refused-client'));
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toMatchObject({ id: 'x', error: { code: -32602 } });
    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.body.clientName === 'refused-client');
    const closed = await h.waitFor((e): e is EventOf<'session.closed'> => e.type === 'session.closed' && e.sessionId === opened.sessionId);
    expect(closed.body.reason).toBe('initialize-failed');
    const reuse = await post(h.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'Mcp-Session-Id': opened.sessionId! });
    expect(reuse.status).toBe(404);
  });

  it('continues the caller trace in the events it stores', async () => {
    const session = await openSession(h.url);
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await post(h.url, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, { 'Mcp-Session-Id': session, traceparent: parent });
    const stored = await h.waitFor(
      (e): e is EventOf<'client.message'> => e.type === 'client.message' && e.sessionId === session && e.body.method === 'notifications/roots/list_changed',
    );
    expect(stored.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(stored.traceparent).not.toBe(parent);
    expect(stored.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });
});
