import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { openSession, post, waitUntil } from './support/http.js';

function callTool(h: Harness, session: string, id: number, name: string, args: Record<string, unknown> = {}): Promise<Response> {
  return post(h.url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }, { 'Mcp-Session-Id': session });
}

describe('startIngress', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('listens on the bound port, reads the reply slot of its node id, and is ready', async () => {
    h = await startHarness();
    expect(h.ingress.name).toBe('ingress');
    expect(h.ingress.port).toBeGreaterThan(0);
    expect(h.ingress.replySlot).toBeGreaterThanOrEqual(0);
    expect(h.ingress.replySlot).toBeLessThan(16);
    expect(h.ingress.ready()).toBe(true);
    const response = await fetch(h.url.replace('/mcp', '/'));
    expect(response.status).toBe(404);
  });

  it('stop() lets a request finish within the drain, fails the rest with -32603, ends streams and closes the port', async () => {
    h = await startHarness({ requestTimeoutMs: 5000, ingress: { drainMs: 300 } });
    const session = await openSession(h.url);
    const stream = await fetch(h.url, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session } });
    expect(stream.status).toBe(200);
    const finishing = callTool(h, session, 1, 'slow', { ms: 100 });
    const stuck = callTool(h, session, 2, 'silent');
    await waitUntil(() => h!.router.seen.filter((e) => e.body.method === 'tools/call').length === 2);

    const stopping = h.ingress.stop();
    expect(h.ingress.ready()).toBe(false);
    expect(await (await finishing).json()).toMatchObject({ id: 1, result: { echoed: { name: 'slow' } } });
    expect(await (await stuck).json()).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'gateway shutting down' } });
    expect(await stream.text()).toContain(': stream open');
    await stopping;
    await expect(fetch(h.url)).rejects.toThrow();
  });
});
