import { describe, expect, it } from 'vitest';
import { ProduceBatcher, type BatchLimits } from '../../src/bus/kafka/produce-batcher.js';
import type { EncodedRecord } from '../../src/bus/types.js';

const rec = (v: string): EncodedRecord => ({ topic: 't', key: 'k', value: Buffer.from(v) });
const values = (records: readonly EncodedRecord[]): string[] => records.map((r) => r.value.toString());

/** A send that records each batch and completes only when told to. */
function manualSend() {
  const batches: string[][] = [];
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    batches,
    send: (records: readonly EncodedRecord[]) =>
      new Promise<void>((resolve, reject) => {
        batches.push(values(records));
        pending.push({ resolve, reject });
      }),
    complete: (error?: Error) => {
      const next = pending.shift();
      if (!next) throw new Error('no batch in flight');
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

const limits = (overrides: Partial<BatchLimits> = {}): BatchLimits => ({
  maxRecords: 100,
  maxBytes: 1_000_000,
  timeoutMs: 10_000,
  timeoutError: () => new Error('timed out'),
  ...overrides,
});

const tick = () => new Promise((r) => setImmediate(r));

describe('ProduceBatcher', () => {
  it('sends calls made in the same tick as one batch, in call order', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits());
    const calls = [batcher.add([rec('a')]), batcher.add([rec('b'), rec('c')]), batcher.add([rec('d')])];
    await tick();
    expect(io.batches).toEqual([['a', 'b', 'c', 'd']]);
    io.complete();
    await expect(Promise.all(calls)).resolves.toBeDefined();
  });

  it('resolves a call only once its records are stored, and batches what arrives meanwhile', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits());
    let firstDone = false;
    const first = batcher.add([rec('a')]).then(() => (firstDone = true));
    await tick();
    const second = batcher.add([rec('b')]);
    const third = batcher.add([rec('c')]);
    await tick();
    expect(firstDone).toBe(false);
    expect(io.batches).toEqual([['a']]);
    io.complete();
    await first;
    await tick();
    expect(io.batches).toEqual([['a'], ['b', 'c']]);
    io.complete();
    await Promise.all([second, third]);
  });

  it('splits a call larger than a batch and resolves it after its last part', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits({ maxRecords: 3 }));
    let done = false;
    const call = batcher.add(['1', '2', '3', '4', '5', '6', '7'].map(rec)).then(() => (done = true));
    await tick();
    io.complete();
    await tick();
    io.complete();
    await tick();
    expect(done).toBe(false);
    io.complete();
    await call;
    expect(io.batches).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
  });

  it('fails the callers of a failed batch, drops their unsent parts, and goes on with the others', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits({ maxRecords: 2 }));
    const big = batcher.add(['1', '2', '3', '4'].map(rec));
    await tick();
    const later = batcher.add([rec('later')]);
    io.complete(new Error('broker said no'));
    await expect(big).rejects.toThrow('broker said no');
    await tick();
    expect(io.batches).toEqual([['1', '2'], ['later']]);
    io.complete();
    await expect(later).resolves.toBeUndefined();
  });

  it('flushes at once when a batch is full, without waiting for the next tick', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits({ maxRecords: 2 }));
    void batcher.add([rec('a')]);
    expect(io.batches).toEqual([]);
    void batcher.add([rec('b')]);
    expect(io.batches).toEqual([['a', 'b']]);
    io.complete();
  });

  it('rejects a call not acknowledged in time', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits({ timeoutMs: 50, timeoutError: () => new Error('no ack in 50 ms') }));
    await expect(batcher.add([rec('a')])).rejects.toThrow('no ack in 50 ms');
    io.complete();
  });

  it('flush waits for everything queued', async () => {
    const io = manualSend();
    const batcher = new ProduceBatcher(io.send, limits());
    const call = batcher.add([rec('a')]);
    let flushed = false;
    const flush = batcher.flush().then(() => (flushed = true));
    await tick();
    expect(flushed).toBe(false);
    io.complete();
    await Promise.all([call, flush]);
    expect(flushed).toBe(true);
  });
});
