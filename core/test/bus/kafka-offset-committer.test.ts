import { afterEach, describe, expect, it, vi } from 'vitest';
import { OffsetCommitter, type CommitRequest } from '../../src/bus/kafka/offset-committer.js';

/** A commit function that records each request and completes only when told to. */
function manualCommit() {
  const requests: CommitRequest[] = [];
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    requests,
    commit: (request: CommitRequest) =>
      new Promise<void>((resolve, reject) => {
        requests.push(request);
        pending.push({ resolve, reject });
      }),
    inFlight: () => pending.length,
    complete: (error?: Error) => {
      const next = pending.shift();
      if (!next) throw new Error('no commit in flight');
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

/** The committed offsets of a request as `topic:partition=offset`, sorted. */
const offsets = (request: CommitRequest | undefined): string[] =>
  (request?.topics ?? []).flatMap((t) => t.partitions.map((p) => `${t.topic}:${p.partition}=${p.offset}`)).sort();

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('OffsetCommitter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits at once with no interval, one commit in flight, coalescing marks made meanwhile', async () => {
    const io = manualCommit();
    const committer = new OffsetCommitter(0, () => {});
    committer.mark(io.commit, 't', 0, '1');
    await settle();
    expect(io.requests.map(offsets)).toEqual([['t:0=1']]);
    committer.mark(io.commit, 't', 0, '2');
    committer.mark(io.commit, 't', 0, '3');
    committer.mark(io.commit, 't', 1, '7');
    await settle();
    expect(io.inFlight()).toBe(1);
    io.complete();
    await settle();
    expect(io.requests.map(offsets)).toEqual([['t:0=1'], ['t:0=3', 't:1=7']]);
    io.complete();
    await committer.flush();
    expect(io.requests).toHaveLength(2);
  });

  it('gathers marks for the interval before committing', async () => {
    vi.useFakeTimers();
    const io = manualCommit();
    const committer = new OffsetCommitter(100, () => {});
    committer.mark(io.commit, 't', 0, '1');
    committer.mark(io.commit, 'u', 2, '5');
    await vi.advanceTimersByTimeAsync(99);
    expect(io.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(io.requests.map(offsets)).toEqual([['t:0=1', 'u:2=5']]);
    io.complete();
    await settle();
    committer.close();
  });

  it('keeps the marks of a failed commit and retries them, unless a newer mark replaced them', async () => {
    vi.useFakeTimers();
    const io = manualCommit();
    const errors: number[] = [];
    const committer = new OffsetCommitter(0, (_error, _request, attempt) => errors.push(attempt));
    // The first mark starts a commit at once; marks made while it is in flight wait for it.
    committer.mark(io.commit, 't', 0, '1');
    await settle();
    committer.mark(io.commit, 't', 0, '2');
    committer.mark(io.commit, 't', 1, '5');
    io.complete(new Error('coordinator moved'));
    await settle();
    await vi.advanceTimersByTimeAsync(99);
    expect(io.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(io.requests.map(offsets)).toEqual([['t:0=1'], ['t:0=2', 't:1=5']]);
    io.complete(new Error('coordinator moved'));
    await settle();
    await vi.advanceTimersByTimeAsync(200);
    expect(io.requests.map(offsets).at(-1)).toEqual(['t:0=2', 't:1=5']);
    expect(errors).toEqual([1, 2]);
    io.complete();
    await settle();
    committer.close();
  });

  it('flush commits what is marked and waits for it; a failed flush rejects', async () => {
    const io = manualCommit();
    const committer = new OffsetCommitter(60_000, () => {});
    committer.mark(io.commit, 't', 3, '9');
    const flushed = committer.flush();
    await settle();
    expect(io.requests.map(offsets)).toEqual([['t:3=9']]);
    io.complete();
    await expect(flushed).resolves.toBeUndefined();
    committer.mark(io.commit, 't', 3, '10');
    const failing = committer.flush();
    await settle();
    io.complete(new Error('gone'));
    await expect(failing).rejects.toThrow('gone');
    committer.close();
  });

  it('drops marks on reset, and a commit that fails after a reset does not bring them back', async () => {
    const io = manualCommit();
    const committer = new OffsetCommitter(0, () => {});
    committer.mark(io.commit, 't', 0, '1');
    await settle();
    committer.mark(io.commit, 't', 1, '2');
    committer.reset();
    io.complete(new Error('rebalance in progress'));
    await settle();
    await committer.flush();
    expect(io.requests.map(offsets)).toEqual([['t:0=1']]);
    committer.close();
  });

  it('commits nothing after close', async () => {
    const io = manualCommit();
    const committer = new OffsetCommitter(0, () => {});
    committer.close();
    committer.mark(io.commit, 't', 0, '1');
    await committer.flush();
    expect(io.requests).toHaveLength(0);
  });
});
