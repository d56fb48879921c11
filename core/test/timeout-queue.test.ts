import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutQueue } from '../src/timeout-queue.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TimeoutQueue', () => {
  it('fires each timeout once, in order, when its own ms have passed and not before', () => {
    const queue = new TimeoutQueue(100);
    const fired: string[] = [];
    queue.add(() => fired.push('a'));
    vi.advanceTimersByTime(30);
    queue.add(() => fired.push('b'));
    vi.advanceTimersByTime(69);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(29);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['a', 'b']);
  });

  it('never fires a cancelled timeout, and a cancelled head does not delay the next', () => {
    const queue = new TimeoutQueue(100);
    const fired: string[] = [];
    const a = queue.add(() => fired.push('a'));
    vi.advanceTimersByTime(50);
    const b = queue.add(() => fired.push('b'));
    queue.add(() => fired.push('c'));
    a.cancel();
    a.cancel();
    b.cancel();
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['c']);
  });

  it('stops its timer whenever nothing is queued, so it holds nothing open', () => {
    const queue = new TimeoutQueue(60_000);
    const first = queue.add(() => undefined);
    const second = queue.add(() => undefined);
    expect(vi.getTimerCount()).toBe(1);
    first.cancel();
    expect(vi.getTimerCount()).toBe(1);
    second.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps counting for timeouts added or cancelled while one fires', () => {
    const queue = new TimeoutQueue(100);
    const fired: string[] = [];
    let later: { cancel(): void } | null = null;
    queue.add(() => {
      fired.push('a');
      queue.add(() => fired.push('c'));
      later?.cancel();
    });
    vi.advanceTimersByTime(10);
    later = queue.add(() => fired.push('b'));
    vi.advanceTimersByTime(90);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
