import { describe, expect, it } from 'vitest';
import { createServer, connect, type AddressInfo } from 'node:net';
import { BULK_WAIT_MS, COMPACTED_KEPT, DELIVERY_SLICE_MS, MemoryBus, UNREAD_KEPT } from '../../src/bus/memory-bus.js';
import type { Bus, BusRecord } from '../../src/bus/types.js';
import { busContract } from './contract.js';

busContract('memory', async () => {
  const bus = new MemoryBus();
  // A "restarted process" is another client of the same log; closing it leaves the log alone.
  const client = (): Bus => ({
    kind: 'memory',
    concurrentBatches: bus.concurrentBatches,
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

/** Waits up to 2 s for `check` to hold, and fails the test if it never does. */
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('MemoryBus batches left pending', () => {
  const value = (r: BusRecord): string => r.value.toString();

  it("hands a partition's next batch over while an earlier one is pending, and commits them in order", async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 1, retentionMs: -1, compacted: false }]);
    let failFirst: (err: Error) => void = () => {};
    const firstWork = new Promise<void>((_, reject) => (failFirst = reject));
    const got: string[] = [];
    const sub = await bus.subscribe({ group: 'g', topics: ['t'] }, async (batch) => {
      got.push(...batch.map(value));
      // 'a' is slow the first time it comes; everything else is done at once.
      const slow = got.filter((v) => v === 'a').length === 1 && batch.some((r) => value(r) === 'a');
      return { settled: slow ? firstWork : Promise.resolve() };
    });
    await bus.produce([{ topic: 't', key: 'k', value: Buffer.from('a') }]);
    await until(() => got.length === 1);
    await bus.produce([{ topic: 't', key: 'k', value: Buffer.from('b') }]);
    // 'b' is handed over while 'a' is still being handled.
    await until(() => got.includes('b'));
    expect(got).toEqual(['a', 'b']);
    // 'a' fails: both come again from 'a' on, though 'b' settled, since a partition is committed in order.
    failFirst(new Error('not answered'));
    await until(() => got.length === 4);
    expect(got).toEqual(['a', 'b', 'a', 'b']);
    await sub.stop();
    const after: string[] = [];
    const next = await bus.subscribe({ group: 'g', topics: ['t'] }, async (batch) => {
      after.push(...batch.map(value));
    });
    await bus.produce([{ topic: 't', key: 'k', value: Buffer.from('c') }]);
    await until(() => after.length === 1);
    expect(after).toEqual(['c']);
    await next.stop();
    await bus.close();
  });

  it('waits for the batches left pending when its subscription stops', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 1, retentionMs: -1, compacted: false }]);
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => (finish = resolve));
    let finished = false;
    const sub = await bus.subscribe({ group: 'g', topics: ['t'] }, async () => ({ settled: work.then(() => void (finished = true)) }));
    await bus.produce([{ topic: 't', key: 'k', value: Buffer.from('a') }]);
    await new Promise((r) => setTimeout(r, 20));
    const stopping = sub.stop();
    setTimeout(finish, 50);
    await stopping;
    expect(finished).toBe(true);
    await bus.close();
  });
});

describe('MemoryBus retention', () => {
  const fill = async (bus: MemoryBus, topic: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i += 100) {
      await bus.produce(Array.from({ length: 100 }, (_, j) => ({ topic, key: 'k', value: Buffer.from(String(i + j)) })));
    }
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

describe('MemoryBus bulk subscriptions', () => {
  it('hands new records to a bulk handler BULK_WAIT_MS after the first, so the appends of that time come in one batch', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 1, retentionMs: -1, compacted: false }]);
    const prompt: number[] = [];
    const bulk: number[] = [];
    const order: string[] = [];
    const a = await bus.subscribe({ group: 'prompt', topics: ['t'] }, async (batch) => {
      prompt.push(batch.length);
      order.push('prompt');
    });
    const b = await bus.subscribe({ group: 'bulk', topics: ['t'], bulk: true }, async (batch) => {
      bulk.push(batch.length);
      order.push('bulk');
    });
    // Ten appends, each in its own turn of the event loop, as requests in flight would make them.
    for (let i = 0; i < 10; i++) {
      await bus.produce([{ topic: 't', key: 'k', value: Buffer.from(String(i)) }]);
      await new Promise((r) => setImmediate(r));
    }
    expect(prompt).toEqual(Array.from({ length: 10 }, () => 1));
    expect(bulk).toEqual([]);
    await new Promise((r) => setTimeout(r, BULK_WAIT_MS * 3));
    expect(bulk.reduce((n, k) => n + k, 0)).toBe(10);
    // One batch, unless the machine stalled for longer than the wait in between.
    expect(bulk.length).toBeLessThan(prompt.length);
    expect(order[0]).toBe('prompt');
    await a.stop();
    await b.stop();
    await bus.close();
  });
});

describe('MemoryBus delivery of a backlog', () => {
  it('lets the event loop read requests while it delivers a backlog to a bulk subscription, every DELIVERY_SLICE_MS or so', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 4, retentionMs: -1, compacted: false }]);
    const BATCH_WORK_MS = 2;
    let delivered = 0;
    let batches = 0;
    // A server on loopback stands for the gateway: a request sent to it is read only when the event loop polls.
    let readAfter = -1;
    const server = createServer((socket) => socket.once('data', () => (readAfter = batches)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));

    const sub = await bus.subscribe({ group: 'g', topics: ['t'], bulk: true }, async (batch) => {
      // The request arrives once the backlog's delivery has begun.
      if (batches === 0) client.write('a request');
      // Work that settles at once, as the audit sink's handler does with the rows it holds.
      const busyUntil = performance.now() + BATCH_WORK_MS;
      while (performance.now() < busyUntil);
      delivered += batch.length;
      batches++;
    });
    const TOTAL = 10_000;
    // 100 batches of 100 across four partitions, appended in one go: without slices all of them, ≥ 200 ms of work,
    // would be delivered before the request is read.
    await bus.produce(Array.from({ length: TOTAL }, (_, i) => ({ topic: 't', key: `k${i % 64}`, value: Buffer.from(String(i)) })));
    await until(() => delivered === TOTAL);
    expect(batches).toBeGreaterThanOrEqual(100);
    expect(readAfter).toBeGreaterThanOrEqual(0);
    // Two slices at most before the poll (see BulkTurns), each ending with the batch that crossed it.
    expect(readAfter).toBeLessThanOrEqual(2 * (Math.ceil(DELIVERY_SLICE_MS / BATCH_WORK_MS) + 1));
    client.destroy();
    server.close();
    await sub.stop();
    await bus.close();
  });
});

describe('MemoryBus bulk subscriptions, stopped', () => {
  it('hands a bulk handler the records that came during its wait before its subscription stops', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 2, retentionMs: -1, compacted: false }]);
    const got: string[] = [];
    const sub = await bus.subscribe({ group: 'bulk', topics: ['t'], bulk: true }, async (batch) => void got.push(...batch.map((r) => r.value.toString())));
    await bus.produce(Array.from({ length: 6 }, (_, i) => ({ topic: 't', key: `k${i}`, value: Buffer.from(String(i)) })));
    expect(got).toEqual([]);
    await sub.stop();
    expect(got.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    // They were committed: a member that joins the group later starts after them.
    const later: string[] = [];
    const next = await bus.subscribe({ group: 'bulk', topics: ['t'] }, async (batch) => void later.push(...batch.map((r) => r.value.toString())));
    await bus.produce([{ topic: 't', key: 'k0', value: Buffer.from('6') }]);
    await new Promise((r) => setImmediate(r));
    expect(later).toEqual(['6']);
    await next.stop();
    await bus.close();
  });
});

describe('MemoryBus unread topics', () => {
  it('keeps only the newest records of a topic no group reads, and hands them to a group that subscribes later', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 'unread', partitions: 1, retentionMs: -1, compacted: false }]);
    const total = 10 * UNREAD_KEPT + 7;
    for (let i = 0; i < total; i += 100) {
      const n = Math.min(100, total - i);
      await bus.produce(Array.from({ length: n }, (_, j) => ({ topic: 'unread', key: 'k', value: Buffer.from(String(i + j)) })));
    }
    expect(bus.retainedRecords('unread')).toBeGreaterThanOrEqual(UNREAD_KEPT);
    expect(bus.retainedRecords('unread')).toBeLessThan(2 * UNREAD_KEPT);
    const seen: BusRecord[] = [];
    const kept = bus.retainedRecords('unread');
    const sub = await bus.subscribe({ group: 'late', topics: ['unread'] }, async (batch) => void seen.push(...batch));
    for (let i = 0; i < 200 && seen.length < kept; i++) await new Promise((r) => setTimeout(r, 5));
    // The newest records, with their offsets, in order and without a gap.
    expect(seen.map((r) => Number(r.value.toString()))).toEqual(Array.from({ length: kept }, (_, i) => total - kept + i));
    expect(seen.at(-1)!.offset).toBe(String(total - 1));
    // Once read, a topic is kept for its readers again: nothing is dropped before they commit it.
    await sub.stop();
    await bus.produce(Array.from({ length: 3 * UNREAD_KEPT }, (_, i) => ({ topic: 'unread', key: 'k', value: Buffer.from(String(total + i)) })));
    expect(bus.retainedRecords('unread')).toBeGreaterThanOrEqual(3 * UNREAD_KEPT);
    await bus.close();
  });
});

describe('MemoryBus compacted topics', () => {
  const record = (key: string, value: string) => ({ topic: 'c', key, value: Buffer.from(value) });
  const readAll = async (bus: MemoryBus, group: string, want: number): Promise<BusRecord[]> => {
    const seen: BusRecord[] = [];
    const sub = await bus.subscribe({ group, topics: ['c'] }, async (batch) => void seen.push(...batch));
    await until(() => seen.length >= want);
    await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    return seen;
  };

  it('keeps the latest record of each key once read, and a group that subscribes later reads those, then the rest', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 'c', partitions: 1, retentionMs: -1, compacted: true }]);
    const reader: BusRecord[] = [];
    const sub = await bus.subscribe({ group: 'reader', topics: ['c'] }, async (batch) => void reader.push(...batch));
    // Sessions opened and closed: each key written twice; 'registry' written over and over.
    for (let i = 0; i < 300; i++) await bus.produce([record(`s${i}`, `opened ${i}`), record('registry', `snapshot ${i}`), record(`s${i}`, `closed ${i}`)]);
    await until(() => reader.length === 900);
    await until(() => bus.retainedRecords('c') < 400);
    await bus.produce([record('registry', 'snapshot last'), record('s-open', 'opened')]);

    const late = await readAll(bus, 'late', 302);
    const latest = new Map(late.map((r) => [r.key, r.value.toString()]));
    expect(latest.get('registry')).toBe('snapshot last');
    expect(latest.get('s7')).toBe('closed 7');
    expect(latest.get('s-open')).toBe('opened');
    expect(latest.size).toBe(302);
    // In offset order; superseded values only among the newest records, not compacted yet (as on Kafka).
    const offsets = late.map((r) => Number(r.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(late.length).toBeLessThan(302 + 64);
    const superseded = late.filter((r) => r.value.toString().startsWith('opened') && r.key !== 's-open');
    expect(superseded.length).toBeLessThan(32);
    for (const r of superseded) expect(Number(r.offset)).toBeGreaterThan(900 - 64);
    await sub.stop();
    await bus.close();
  });

  it('keeps at most the newest COMPACTED_KEPT keys per partition', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 'c', partitions: 1, retentionMs: -1, compacted: true }]);
    const reader: BusRecord[] = [];
    const sub = await bus.subscribe({ group: 'reader', topics: ['c'] }, async (batch) => void reader.push(...batch));
    const total = Math.ceil((5 * COMPACTED_KEPT) / 100) * 100;
    for (let i = 0; i < total; i += 100) await bus.produce(Array.from({ length: 100 }, (_, j) => record(`s${i + j}`, `closed ${i + j}`)));
    await until(() => reader.length === total);
    await until(() => bus.retainedRecords('c') <= COMPACTED_KEPT + 64);
    const late = await readAll(bus, 'late', bus.retainedRecords('c'));
    // The newest keys, without a gap among them; the oldest are gone.
    const keys = late.map((r) => Number(r.key!.slice(1)));
    expect(keys.at(-1)).toBe(total - 1);
    expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => total - keys.length + i));
    expect(keys.length).toBeGreaterThanOrEqual(COMPACTED_KEPT);
    await sub.stop();
    await bus.close();
  });

  it('keeps the latest record of each key of a compacted topic no group reads yet', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 'c', partitions: 1, retentionMs: -1, compacted: true }]);
    await bus.produce([record('registry', 'first')]);
    for (let i = 0; i < 4 * UNREAD_KEPT; i++) await bus.produce([record(`other${i % 3}`, `v${i}`)]);
    const late = await readAll(bus, 'late', 1);
    expect(late.find((r) => r.key === 'registry')?.value.toString()).toBe('first');
    await bus.close();
  });
});

describe('MemoryBus values made on demand', () => {
  it('makes a value given as a function once, when a reader first asks for it, and hands over the attachment', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ topic: 't', partitions: 1, retentionMs: -1, compacted: false }]);
    let made = 0;
    const attachment = { note: 'in-process' };
    await bus.produce([{ topic: 't', key: 'k', value: () => (made++, Buffer.from('lazy')), attachment }]);
    const seen: BusRecord[] = [];
    const sub = await bus.subscribe({ group: 'g', topics: ['t'] }, async (records) => {
      seen.push(...records);
    });
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await sub.stop();
    await bus.close();
    const [record] = seen;
    expect(record).toMatchObject({ topic: 't', partition: 0, offset: '0', key: 'k' });
    expect(record!.attachment).toBe(attachment);
    expect(made).toBe(0);
    expect(record!.value.toString()).toBe('lazy');
    expect(record!.value.toString()).toBe('lazy');
    expect(made).toBe(1);
  });
});
