import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CreationRate } from '../../src/sessions/creation-rate.js';
import { startHarness, type Harness } from '../support/harness.js';
import { initializeRequest, post } from '../support/http.js';

const KEY_A = 'sk-flooder-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const KEY_B = 'sk-neighbour-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const digest = (key: string): string => createHash('sha256').update(key).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function initialize(h: Harness, key: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const response = await post(h.url, initializeRequest(1), { 'X-API-Key': key });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

describe('rate of session creation per principal', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('refuses a burst past createPerMinute with 429 and Retry-After, leaves another principal alone, and accepts again after the refill', async () => {
    // 300 a minute: a burst of 300, then one more every 200 ms.
    h = await startHarness({
      config: {
        sessions: { createPerMinute: 300, maxPerAddress: 10_000 },
        auth: { apiKeys: { keys: [{ sha256: digest(KEY_A), agent: 'flooder' }, { sha256: digest(KEY_B), agent: 'neighbour' }] } },
      },
    });
    let accepted = 0;
    const startedAt = Date.now();
    let refused: Awaited<ReturnType<typeof initialize>> | null = null;
    for (let i = 0; i < 400 && refused === null; i++) {
      const answer = await initialize(h, KEY_A);
      if (answer.status === 200) accepted++;
      else refused = answer;
    }
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(accepted).toBeLessThanOrEqual(300 + Math.ceil((Date.now() - startedAt) / 200));
    expect(refused?.status).toBe(429);
    expect(refused?.retryAfter).toBe('1');
    expect(refused?.body.error).toMatchObject({ code: -32000, message: expect.stringContaining('opens sessions too often') });
    expect((await initialize(h, KEY_A)).status).toBe(429);

    expect((await initialize(h, KEY_B)).status).toBe(200);

    await sleep(1000);
    expect((await initialize(h, KEY_A)).status).toBe(200);
    const opened = h.recorded.filter((e) => e.type === 'session.opened' && e.principal.agent === 'flooder');
    expect(opened).toHaveLength(accepted + 1);
  }, 60_000);

  it('counts anonymous callers by address, and a refused initialize opens no session', async () => {
    h = await startHarness({ config: { sessions: { createPerMinute: 2 } } });
    expect((await post(h.url, initializeRequest(1))).status).toBe(200);
    expect((await post(h.url, initializeRequest(2))).status).toBe(200);
    const third = await post(h.url, initializeRequest(3));
    expect(third.status).toBe(429);
    expect(third.headers.get('mcp-session-id')).toBeNull();
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    await sleep(100);
    expect(h.recorded.filter((e) => e.type === 'session.opened')).toHaveLength(2);
  });
});

describe('CreationRate', () => {
  it('refills at the rate, caps the burst, and forgets owners idle for a minute', () => {
    let now = 0;
    const rate = new CreationRate(6, () => now);
    for (let i = 0; i < 6; i++) expect(rate.take('a')).toBeNull();
    expect(rate.take('a')).toBe(10);
    expect(rate.take('b')).toBeNull();
    now += 9_999;
    expect(rate.take('a')).toBe(1);
    now += 1;
    expect(rate.take('a')).toBeNull();
    now += 3_600_000;
    for (let i = 0; i < 6; i++) expect(rate.take('a')).toBeNull();
    expect(rate.take('a')).not.toBeNull();
    for (let i = 0; i < 10_000; i++) rate.take(`owner-${i}`);
    expect(rate.size).toBe(10_001);
    now += 60_000;
    rate.take('late');
    expect(rate.size).toBe(1);
  });
});
