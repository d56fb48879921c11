import { carry, newEvent } from '@sluice/core';
import type { SluiceEvent } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { callEcho, openSession, post } from '../support/http.js';
import { verbatimReply } from '../support/test-router.js';

const TIMEOUT_MS = 400;

function callTool(h: Harness, session: string, id: number, name: string, args: Record<string, unknown> = {}): Promise<Response> {
  return post(h.url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, { 'Mcp-Session-Id': session });
}

describe('replies: own partition only, and timeouts', () => {
  let h: Harness;
  let session: string;
  beforeAll(async () => {
    h = await startHarness({ requestTimeoutMs: TIMEOUT_MS });
    session = await openSession(h.url);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('does not deliver a reply published to another partition of replies', async () => {
    const elsewhere: SluiceEvent[] = [];
    const other = (h.ingress.replySlot + 1) % 16;
    const watcher = await h.events.subscribe({ group: 'watch-other', topics: ['replies'], partitions: [other] }, async (batch) => {
      for (const { event } of batch) elsewhere.push(event);
    });
    const response = await callTool(h, session, 1, 'misrouted');
    await watcher.stop();
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Request timed out' } });
    expect(elsewhere.map((e) => e.type)).toEqual(['backend.message']);
    expect(elsewhere[0]?.sessionId).toBe(session);
  });

  it('answers -32001 after requestTimeoutMs when no reply comes, then forgets the request', async () => {
    const started = Date.now();
    const response = await callTool(h, session, 2, 'silent');
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32001, message: 'Request timed out' } });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);

    const request = h.router.seen.find((e) => e.body.jsonrpcId === '2' && e.body.method === 'tools/call')!;
    const late = newEvent(
      'backend.message',
      { terminal: true, outcome: 'ok', errorCode: null, method: 'tools/call', jsonrpcId: '2', server: null, tool: null, policyRevision: null, requestTime: null, requestBytes: null, latencyMs: null, redaction: null },
      { ...carry(request), message: Buffer.from('{"jsonrpc":"2.0","id":2,"result":{"late":true}}') },
    );
    await h.events.publish('replies', [late]);
    expect(await callEcho(h.url, session, 3)).toMatchObject({ id: 3, result: { echoed: { arguments: { n: 3 } } } });
    const metrics = await h.metrics.registry.getSingleMetricAsString('sluice_requests_total');
    expect(metrics).toMatch(/sluice_requests_total\{method="tools\/call",outcome="timeout"\} 2/);
    expect(metrics).toMatch(/sluice_requests_total\{method="tools\/call",outcome="ok"\} 1/);
  });

  it('writes the reply bytes exactly as the router published them', async () => {
    const response = await callTool(h, session, 4, 'verbatim');
    expect(response.headers.get('content-type')).toBe('application/json');
    const request = h.router.seen.find((e) => e.body.jsonrpcId === '4')!;
    expect(Buffer.from(await response.arrayBuffer()).toString('utf8')).toBe(verbatimReply(request));
  });

  it('writes a reply far larger than the socket buffer completely (backpressure on the response)', async () => {
    const size = 16 * 1024 * 1024;
    const response = await callTool(h, session, 5, 'big', { size });
    const body = (await response.json()) as { id: number; result: { content: Array<{ text: string }> } };
    expect(body.id).toBe(5);
    expect(body.result.content[0]!.text.length).toBe(size);
    expect(/^z+$/.test(body.result.content[0]!.text)).toBe(true);
  });
});
