import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { callEcho, initializeRequest, openSession, post } from '../support/http.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const closedFor = (session: string) => (event: SluiceEvent): event is EventOf<'session.closed'> =>
  event.type === 'session.closed' && event.sessionId === session;

async function ping(h: Harness, session: string): Promise<number> {
  const response = await post(h.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'Mcp-Session-Id': session });
  await response.text();
  return response.status;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('bounded sessions', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('refuses initialize past maxPerAddress (429, SLUICE_INGRESS_TOO_MANY_SESSIONS_FOR_ADDRESS) over 20,000 attempts, with heap growth under 32 MiB', async () => {
    h = await startHarness({ config: { sessions: { maxPerAddress: 100 } } });
    const url = h.url;
    const statuses = new Map<number, number>();
    let refusal: any = null;
    gc();
    const before = process.memoryUsage().heapUsed;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 20_000) {
        next += 1;
        const response = await post(url, initializeRequest(next));
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const body = await response.json();
        if (response.status === 429) refusal = body;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(statuses.get(200)).toBe(100);
    expect(statuses.get(429)).toBe(19_900);
    expect(refusal.error.code).toBe(-32000);
    expect(refusal.error.message).toContain('holds its maximum of 100 sessions');
    expect(growth).toBeLessThan(32 * 1024 * 1024);
    expect(h.recorded.filter((e) => e.type === 'session.opened')).toHaveLength(100);
  }, 120_000);

  it('refuses initialize on a full node with 503 (SLUICE_INGRESS_TOO_MANY_SESSIONS), and accepts again once one closes', async () => {
    h = await startHarness({ config: { sessions: { max: 3 } } });
    const sessions = [await openSession(h.url), await openSession(h.url), await openSession(h.url)];
    const refused = await post(h.url, initializeRequest(9));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ code: -32000, message: expect.stringContaining('maximum of 3 sessions') });
    const closed = await fetch(h.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': sessions[0]! } });
    expect(closed.status).toBe(200);
    const again = await openSession(h.url);
    expect((await callEcho(h.url, again, 1)).result.echoed.arguments).toEqual({ n: 1 });
  });

  it('closes an idle session after idleTtlMs: 404 after, session.closed recorded with reason idle-timeout; a used one lives on', async () => {
    h = await startHarness({ config: { sessions: { idleTtlMs: 200 } } });
    const idle = await openSession(h.url, 'idle');
    const busy = await openSession(h.url, 'busy');
    for (let i = 0; i < 8; i++) {
      expect(await ping(h, busy)).toBe(200);
      await sleep(60);
    }
    expect(await ping(h, idle)).toBe(404);
    const closed = await h.waitFor(closedFor(idle));
    expect(closed.body.reason).toBe('idle-timeout');
    expect(closed.principal.agent).toBe('idle');
    expect(await ping(h, busy)).toBe(200);
    const fresh = await openSession(h.url);
    expect((await callEcho(h.url, fresh, 2)).result.echoed.arguments).toEqual({ n: 2 });
  });

  it('closes a session after maxLifetimeMs however active: 404 after, session.closed with reason lifetime-exceeded', async () => {
    h = await startHarness({ config: { sessions: { maxLifetimeMs: 300 } } });
    const session = await openSession(h.url, 'long-lived');
    const deadline = Date.now() + 700;
    const seen: number[] = [];
    while (Date.now() < deadline) {
      seen.push(await ping(h, session));
      await sleep(40);
    }
    expect(seen[0]).toBe(200);
    expect(seen.at(-1)).toBe(404);
    expect((await h.waitFor(closedFor(session))).body.reason).toBe('lifetime-exceeded');
  });
});
