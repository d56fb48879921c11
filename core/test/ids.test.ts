import { describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '../src/ids.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a UUIDv7 carries. */
const millisOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 id carrying the current millisecond', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(id).toMatch(V7);
    expect(millisOf(id)).toBeGreaterThanOrEqual(before);
    expect(millisOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts in the order ids were made, within one millisecond too, and never repeats', () => {
    // Ahead of every id made so far: a clock that went back would keep the last millisecond.
    const start = Date.now() + 86_400_000;
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    try {
      const ids = Array.from({ length: 5000 }, () => uuidv7());
      vi.setSystemTime(start + 1);
      ids.push(...Array.from({ length: 5000 }, () => uuidv7()));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
      expect(millisOf(ids[0]!)).toBe(start);
      expect(millisOf(ids[4999]!)).toBe(start);
      expect(millisOf(ids.at(-1)!)).toBe(start + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws its random part afresh', () => {
    const tails = new Set(Array.from({ length: 1000 }, () => uuidv7().slice(-10)));
    expect(tails.size).toBeGreaterThan(990);
  });
});
