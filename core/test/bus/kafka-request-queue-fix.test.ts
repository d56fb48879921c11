import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyRequestQueueFix } from '../../src/bus/kafka/request-queue-fix.js';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: object) => RequestQueue;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, namespace: () => silent };

const queue = (): RequestQueue =>
  new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:1', logger: silent });

describe('kafkajs request queue fix', () => {
  it('applies to the installed client', () => {
    expect(applyRequestQueueFix()).toBe(true);
    expect(applyRequestQueueFix()).toBe(true);
  });

  it('schedules no check when nothing waits and nothing throttles (the client re-armed a 1 ms timer)', () => {
    applyRequestQueueFix();
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('still schedules a check while the broker throttles or a request waits', () => {
    applyRequestQueueFix();
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 1_000;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    throttled.destroy();

    const waiting = queue();
    waiting.throttledUntil = Date.now() + 1_000;
    waiting.pending.push({});
    waiting.checkPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    waiting.destroy();
  });
});
