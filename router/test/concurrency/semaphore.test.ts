import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/concurrency/semaphore.js';

describe('Semaphore', () => {
  it('lets `limit` holders in at once and the next waiter in, in order, on each release', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire();
    await semaphore.acquire();
    const order: number[] = [];
    const third = semaphore.acquire().then((release) => (order.push(3), release));
    const fourth = semaphore.acquire().then((release) => (order.push(4), release));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([]);
    first();
    first();
    await third;
    expect(order).toEqual([3]);
    expect(semaphore.inUse).toBe(2);
    (await third)();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('refuses a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
