import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from '../../src/bus/kafka/client.js';
import type { KafkaBus } from '../../src/bus/kafka/index.js';
import { partitionForKey } from '../../src/bus/partitioner.js';
import type { BusRecord, Subscription } from '../../src/bus/types.js';
import { busContract } from './contract.js';
import { assertBrokerListening, brokers, testKafkaBus, uniqueTopic } from './kafka/broker.js';
import { faultySockets } from './kafka/faulty-sockets.js';

const PATIENCE_MS = 15_000;

await assertBrokerListening();

busContract('kafka', async () => {
  const sockets = faultySockets();
  const bus = testKafkaBus({ socketFactory: sockets.factory });
  const others: KafkaBus[] = [];
  return {
    bus,
    connect: async () => {
      const other = testKafkaBus();
      others.push(other);
      return other;
    },
    failNextProduce: () => sockets.dropNextProduceResponse(),
    patienceMs: PATIENCE_MS,
    close: async () => {
      await Promise.all(others.map((o) => o.close()));
      await bus.close();
    },
  };
});

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  const until = Date.now() + PATIENCE_MS;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const text = (r: BusRecord): string => r.value.toString();

const eventuallyEquals = async (read: () => Promise<string | undefined>, want: string, what: string): Promise<void> => {
  const until = Date.now() + PATIENCE_MS;
  for (let got = await read(); got !== want; got = await read()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${got})`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('KafkaBus on a broker', () => {
  const sockets = faultySockets();
  const bus = testKafkaBus({ socketFactory: sockets.factory });
  const admin = new Kafka({ clientId: 'kafka-bus-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  const subs: Subscription[] = [];
  const topic = async (partitions: number, compacted = false): Promise<string> => {
    const t = uniqueTopic('kafka-bus');
    await bus.createTopics([{ topic: t, partitions, retentionMs: 3_600_000, compacted }]);
    return t;
  };
  const collect = async (t: string, into: BusRecord[], extra: { group?: string; partitions?: number[]; fromBeginning?: boolean } = {}) => {
    const { group = `g-${t}`, ...rest } = extra;
    const sub = await bus.subscribe({ group, topics: [t], ...rest }, async (batch) => {
      into.push(...batch);
    });
    subs.push(sub);
    return sub;
  };

  beforeAll(async () => {
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(subs.map((s) => s.stop()));
    await bus.close();
    await admin.disconnect();
  });

  it('really retries a produce whose acknowledgement was lost, and stores it once', async () => {
    const t = await topic(1);
    const before = sockets.produceRequests;
    sockets.dropNextProduceResponse();
    await bus.produce(['a', 'b', 'c'].map((v) => ({ topic: t, key: 'k', value: Buffer.from(v) })));
    expect(sockets.droppedResponses).toBeGreaterThanOrEqual(1);
    expect(sockets.produceRequests - before).toBeGreaterThanOrEqual(2);
    const got: BusRecord[] = [];
    await collect(t, got);
    await waitFor(() => got.length >= 3, 'three records');
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map(text)).toEqual(['a', 'b', 'c']);
    expect(got.map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  it('coalesces concurrent produce calls into one request', async () => {
    const t = await topic(3);
    await bus.produce([{ topic: t, key: 'warm', value: Buffer.from('up') }]);
    const before = sockets.produceRequests;
    await Promise.all(Array.from({ length: 200 }, (_, i) => bus.produce([{ topic: t, key: `k${i}`, value: Buffer.from(String(i)) }])));
    expect(sockets.produceRequests - before).toBe(1);
  });

  it('puts a key on the partition the in-memory bus would choose', async () => {
    const t = await topic(6);
    const keys = Array.from({ length: 30 }, (_, i) => `session-${i}`);
    await bus.produce(keys.map((key) => ({ topic: t, key, value: Buffer.from(key) })));
    const got: BusRecord[] = [];
    await collect(t, got);
    await waitFor(() => got.length >= keys.length, 'all keys');
    for (const record of got) expect(record.partition).toBe(partitionForKey(record.key!, 6));
  });

  it('gives each static member of one group exactly its own partitions', async () => {
    const t = await topic(4);
    const low: BusRecord[] = [];
    const high: BusRecord[] = [];
    await collect(t, low, { group: `g-${t}`, partitions: [0, 1] });
    await collect(t, high, { group: `g-${t}`, partitions: [2, 3] });
    await bus.produce([0, 1, 2, 3, 0, 3].map((p, i) => ({ topic: t, key: null, value: Buffer.from(`${p}/${i}`), partition: p })));
    await waitFor(() => low.length + high.length >= 6, 'six records');
    await new Promise((r) => setTimeout(r, 300));
    expect(low.map(text).sort()).toEqual(['0/0', '0/4', '1/1']);
    expect(high.map(text).sort()).toEqual(['2/2', '3/3', '3/5']);
  });

  it('starts at the end when fromBeginning is false, without losing what comes after subscribe', async () => {
    const t = await topic(2);
    await bus.produce([{ topic: t, key: 'old', value: Buffer.from('old') }]);
    const got: BusRecord[] = [];
    await collect(t, got, { fromBeginning: false });
    await bus.produce([{ topic: t, key: 'a', value: Buffer.from('new-a') }, { topic: t, key: 'b', value: Buffer.from('new-b') }]);
    await waitFor(() => got.length >= 2, 'two new records');
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map(text).sort()).toEqual(['new-a', 'new-b']);
  });

  it('redelivers a failed batch while the other partitions keep flowing', async () => {
    const t = await topic(2);
    let healthy = false;
    let failures = 0;
    const delivered: BusRecord[] = [];
    subs.push(
      await bus.subscribe({ group: `g-${t}`, topics: [t] }, async (batch) => {
        if (batch[0]!.partition === 0 && !healthy) {
          failures++;
          throw new Error('downstream unavailable');
        }
        delivered.push(...batch);
      }),
    );
    await bus.produce([
      { topic: t, key: null, value: Buffer.from('p0-a'), partition: 0 },
      { topic: t, key: null, value: Buffer.from('p0-b'), partition: 0 },
      { topic: t, key: null, value: Buffer.from('p1-a'), partition: 1 },
    ]);
    await waitFor(() => failures >= 2 && delivered.length >= 1, 'a retry of partition 0 and partition 1 flowing');
    expect(delivered.map(text)).toEqual(['p1-a']);
    healthy = true;
    await waitFor(() => delivered.length >= 3, 'partition 0 after recovery');
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered.map(text)).toEqual(['p1-a', 'p0-a', 'p0-b']);
  });

  it('commits handled offsets in the background, and never past a batch whose handler has not resolved', async () => {
    const t = await topic(1);
    const group = `g-${t}`;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    subs.push(
      await bus.subscribe({ group, topics: [t] }, async (batch) => {
        seen.push(...batch.map(text));
        if (batch.some((r) => text(r) === 'hold')) await held;
      }),
    );
    const committed = async (): Promise<string | undefined> => {
      const [entry] = await admin.fetchOffsets({ groupId: group, topics: [t] });
      return entry?.partitions[0]?.offset;
    };
    await bus.produce(['a', 'b'].map((v) => ({ topic: t, key: 'k', value: Buffer.from(v) })));
    await waitFor(() => seen.length >= 2, 'two records');
    await eventuallyEquals(committed, '2', 'offset 2 committed while the subscription runs');
    await bus.produce([{ topic: t, key: 'k', value: Buffer.from('hold') }]);
    await waitFor(() => seen.includes('hold'), 'the held record');
    await new Promise((r) => setTimeout(r, 500));
    expect(await committed()).toBe('2');
    release();
    await eventuallyEquals(committed, '3', 'offset 3 committed once its handler resolved');
  });

  it('creates topics with their retention and compaction, and accepts existing ones', async () => {
    const t = await topic(2, true);
    await bus.createTopics([{ topic: t, partitions: 2, retentionMs: 3_600_000, compacted: true }]);
    expect(await bus.partitionCount(t)).toBe(2);
    expect(await bus.describeTopicConfig(t, ['cleanup.policy', 'retention.ms'])).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '3600000',
    });
  });

  it('starts several processes at once on fresh topics: each creates or finds them, none fails', async () => {
    // Roles started together on a new cluster all create the catalog's topics; the ones that find them created by
    // another may ask for their metadata before the broker serves it.
    const specs = Array.from({ length: 7 }, (_, i) => ({ topic: uniqueTopic(`together-${i}`), partitions: 4, retentionMs: 3_600_000, compacted: i === 0 }));
    const buses = Array.from({ length: 4 }, () => testKafkaBus());
    try {
      await Promise.all(buses.map((b) => b.createTopics(specs)));
      for (const b of buses) expect(await Promise.all(specs.map((s) => b.partitionCount(s.topic)))).toEqual(specs.map(() => 4));
    } finally {
      await Promise.all(buses.map((b) => b.close()));
    }
  });

  it('fails fast on a topic that does not exist', async () => {
    const missing = uniqueTopic('missing');
    const started = Date.now();
    await expect(bus.produce([{ topic: missing, key: 'k', value: Buffer.from('v') }])).rejects.toMatchObject({
      code: 'SLUICE_BUS_UNKNOWN_TOPIC',
      retriable: false,
    });
    await expect(bus.partitionCount(missing)).rejects.toMatchObject({ code: 'SLUICE_BUS_UNKNOWN_TOPIC' });
    await expect(bus.subscribe({ group: 'g', topics: [missing] }, async () => {})).rejects.toMatchObject({
      code: 'SLUICE_BUS_UNKNOWN_TOPIC',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a partition the topic does not have', async () => {
    const t = await topic(2);
    await expect(bus.produce([{ topic: t, key: null, value: Buffer.from('v'), partition: 2 }])).rejects.toMatchObject({
      code: 'SLUICE_BUS_UNKNOWN_TOPIC',
    });
    await expect(bus.subscribe({ group: `g-${t}`, topics: [t], partitions: [5] }, async () => {})).rejects.toMatchObject({
      code: 'SLUICE_BUS_UNKNOWN_TOPIC',
    });
  });

  it('refuses calls after close', async () => {
    const other = testKafkaBus();
    const t = await topic(1);
    await other.produce([{ topic: t, key: 'k', value: Buffer.from('v') }]);
    await other.close();
    await expect(other.produce([{ topic: t, key: 'k', value: Buffer.from('v') }])).rejects.toMatchObject({ code: 'SLUICE_BUS_CLOSED' });
  });
});
