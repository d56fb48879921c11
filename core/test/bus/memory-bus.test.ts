import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import type { Bus, BusRecord } from '../../src/bus/types.js';
import { busContract } from './contract.js';

busContract('memory', async () => {
  const bus = new MemoryBus();
  // A "restarted process" is another client of the same log; closing it leaves the log alone.
  const client = (): Bus => ({
    kind: 'memory',
    createTopics: (s) => bus.createTopics(s),
    produce: (r) => bus.produce(r),
    subscribe: (o, h) => bus.subscribe(o, h),
    partitionCount: (t) => bus.partitionCount(t),
    close: async () => {},
  });
  return {
    bus,
    connect: async () => client(),
    failNextProduce: () => bus.failNextProduce(),
    patienceMs: 2_000,
    close: () => bus.close(),
  };
});

describe('MemoryBus retention', () => {
  const fill = async (bus: MemoryBus, topic: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i += 100) {
      await bus.produce(Array.from({ length: 100 }, (_, j) => ({ topic, key: 'k', value: Buffer.from(String(i + j)) })));
    }
  };
  const until = async (check: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  };

  it('drops records once every group that reads the topic has committed them, keeping offsets', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 1, retentionMs: -1, compacted: false }]);
    const fast: BusRecord[] = [];
    let slowGate = true;
    const slow: BusRecord[] = [];
    const a = await bus.subscribe({ group: 'fast', topics: ['t'] }, async (batch) => void fast.push(...batch));
    const b = await bus.subscribe({ group: 'slow', topics: ['t'] }, async (batch) => {
      if (slowGate) throw new Error('not yet');
      slow.push(...batch);
    });
    await fill(bus, 't', 5000);
    await until(() => fast.length === 5000);
    // The slow group has committed nothing: everything is kept for it.
    expect(bus.retainedRecords('t')).toBe(5000);
    slowGate = false;
    await until(() => slow.length === 5000);
    await until(() => bus.retainedRecords('t') < 1024);
    expect(slow.map((r) => r.offset)).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
    await fill(bus, 't', 100);
    await until(() => fast.length === 5100 && slow.length === 5100);
    expect(fast.at(-1)!.offset).toBe('5099');
    await a.stop();
    await b.stop();
    await bus.close();
  });
});
