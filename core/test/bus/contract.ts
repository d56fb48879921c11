import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, BusRecord, Subscription } from '../../src/bus/types.js';

/** What a bus implementation supplies to run the contract. */
export interface BusHarness {
  /** A bus connected to the system under test. */
  bus: Bus;
  /** A second, independent connection (a "restarted process"). */
  connect(): Promise<Bus>;
  /** The next produce's acknowledgement is lost after the records were stored, so the producer must retry. */
  failNextProduce(): void;
  /** How long to wait for records to arrive before giving up. */
  patienceMs: number;
  close(): Promise<void>;
}

const waitFor = async (check: () => boolean, ms: number, what: string): Promise<void> => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const text = (r: BusRecord): string => r.value.toString();

/** The contract every Bus implementation must meet; run once per implementation. */
export function busContract(name: string, makeHarness: () => Promise<BusHarness>): void {
  describe(`Bus contract: ${name}`, () => {
    let h: BusHarness;
    const subs: Subscription[] = [];
    const topic = async (partitions = 4): Promise<string> => {
      const t = `contract-${randomUUID().slice(0, 8)}`;
      await h.bus.createTopics([{ topic: t, partitions, retentionMs: -1, compacted: false }]);
      return t;
    };
    const collect = async (bus: Bus, group: string, topics: string[], into: BusRecord[]): Promise<Subscription> => {
      const sub = await bus.subscribe({ group, topics }, async (batch) => {
        into.push(...batch);
      });
      subs.push(sub);
      return sub;
    };

    /** What a new consumer of `group` reads once `value` is produced: that value only, when the rest is committed. */
    const readsAfterProducing = async (bus: Bus, group: string, t: string, value: string): Promise<string[]> => {
      const got: BusRecord[] = [];
      const sub = await bus.subscribe({ group, topics: [t] }, async (batch) => {
        got.push(...batch);
      });
      await h.bus.produce([{ topic: t, key: 'k', value: Buffer.from(value) }]);
      await waitFor(() => got.length >= 1, h.patienceMs, 'new record');
      await sub.stop();
      return got.map(text);
    };

    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await Promise.all(subs.map((s) => s.stop()));
      await h.close();
    });

    it('keeps order per key and spreads keys over partitions', async () => {
      const t = await topic(4);
      const keys = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
      for (let i = 0; i < 50; i++) {
        await h.bus.produce(keys.map((k) => ({ topic: t, key: k, value: Buffer.from(`${k}:${i}`) })));
      }
      const got: BusRecord[] = [];
      await collect(h.bus, `g-${t}`, [t], got);
      await waitFor(() => got.length >= 300, h.patienceMs, '300 records');
      for (const k of keys) {
        const seq = got.filter((r) => r.key === k).map((r) => Number(text(r).split(':')[1]));
        expect(seq).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(new Set(got.filter((r) => r.key === k).map((r) => r.partition)).size).toBe(1);
      }
      expect(new Set(got.map((r) => r.partition)).size).toBeGreaterThan(1);
    });

    it('delivers every record, in order per key, to a bulk subscription, also when fewer than a fetch\'s bytes arrive', async () => {
      const t = await topic(4);
      const got: BusRecord[] = [];
      const sub = await h.bus.subscribe({ group: `g-${t}`, topics: [t], bulk: true }, async (batch) => {
        got.push(...batch);
      });
      subs.push(sub);
      for (let i = 0; i < 20; i++) await h.bus.produce([{ topic: t, key: `k${i % 3}`, value: Buffer.from(`k${i % 3}:${i}`) }]);
      await waitFor(() => got.length >= 20, h.patienceMs, '20 records');
      for (const k of ['k0', 'k1', 'k2']) {
        const seq = got.filter((r) => r.key === k).map((r) => Number(text(r).split(':')[1]));
        expect(seq).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => `k${i % 3}` === k));
      }
      expect(got).toHaveLength(20);
    });

    it('round-trips headers and honours an explicit partition', async () => {
      const t = await topic(4);
      await h.bus.produce([
        { topic: t, key: 'k', value: Buffer.from('v'), headers: { traceparent: '00-abc-def-01', 'sluice-type': 'x' }, partition: 3 },
      ]);
      const got: BusRecord[] = [];
      await collect(h.bus, `g-${t}`, [t], got);
      await waitFor(() => got.length === 1, h.patienceMs, 'one record');
      expect(got[0]!.headers).toMatchObject({ traceparent: '00-abc-def-01', 'sluice-type': 'x' });
      expect(got[0]!.partition).toBe(3);
      expect(got[0]!.key).toBe('k');
    });

    it('delivers uncommitted records again to the next consumer of the group', async () => {
      const t = await topic(1);
      await h.bus.produce([1, 2, 3].map((i) => ({ topic: t, key: 'k', value: Buffer.from(String(i)) })));
      let attempts = 0;
      const failing = await h.bus.subscribe({ group: `g-${t}`, topics: [t] }, async () => {
        attempts++;
        throw new Error('crash before commit');
      });
      await waitFor(() => attempts >= 1, h.patienceMs, 'first delivery');
      await failing.stop();
      const restarted = await h.connect();
      const got: BusRecord[] = [];
      const sub = await restarted.subscribe({ group: `g-${t}`, topics: [t] }, async (batch) => {
        got.push(...batch);
      });
      await waitFor(() => got.length >= 3, h.patienceMs, 'redelivery');
      await sub.stop();
      expect(got.map(text)).toEqual(['1', '2', '3']);
      // Committed now: a third consumer of the group sees nothing old.
      expect(await readsAfterProducing(restarted, `g-${t}`, t, '4')).toEqual(['4']);
      await restarted.close();
    });

    it('commits a batch left pending only once it settles, and delivers it again when that fails', async () => {
      const t = await topic(1);
      await h.bus.produce([1, 2].map((i) => ({ topic: t, key: 'k', value: Buffer.from(String(i)) })));
      const got: string[] = [];
      let deliveries = 0;
      let answered = 0;
      const sub = await h.bus.subscribe({ group: `g-${t}`, topics: [t] }, async (batch) => {
        got.push(...batch.map(text));
        // The first delivery's work fails after the handler resolved (a reply that could not be published).
        const fails = deliveries++ === 0;
        const settled = new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            if (fails) return reject(new Error('not answered'));
            answered++;
            resolve();
          }, 50),
        );
        return { settled };
      });
      await waitFor(() => got.filter((v) => v === '1').length >= 2 && got.filter((v) => v === '2').length >= 2, h.patienceMs, 'redelivery');
      await waitFor(() => answered >= 1, h.patienceMs, 'the redelivered batch settled');
      await new Promise((r) => setTimeout(r, 20));
      await sub.stop();
      // Settled the second time, so committed: the next consumer of the group sees only what is new.
      const restarted = await h.connect();
      expect(await readsAfterProducing(restarted, `g-${t}`, t, '3')).toEqual(['3']);
      await restarted.close();
    });

    it('splits partitions between the members of a group', async () => {
      const t = await topic(4);
      const a: BusRecord[] = [];
      const b: BusRecord[] = [];
      const other = await h.connect();
      await collect(h.bus, `g-${t}`, [t], a);
      await collect(other, `g-${t}`, [t], b);
      const records = Array.from({ length: 200 }, (_, i) => ({ topic: t, key: `key-${i}`, value: Buffer.from(String(i)) }));
      await h.bus.produce(records);
      await waitFor(() => new Set([...a, ...b].map(text)).size === 200, h.patienceMs, 'all 200 records');
      const pa = new Set(a.map((r) => r.partition));
      const pb = new Set(b.map((r) => r.partition));
      expect(pa.size).toBeGreaterThan(0);
      expect(pb.size).toBeGreaterThan(0);
      expect([...pa].filter((p) => pb.has(p))).toEqual([]);
      await Promise.all(subs.splice(0).map((s) => s.stop()));
      await other.close();
    });

    it('reads only the assigned partitions with a static assignment', async () => {
      const t = await topic(4);
      const got: BusRecord[] = [];
      const sub = await h.bus.subscribe({ group: `g-${t}`, topics: [t], partitions: [2] }, async (batch) => {
        got.push(...batch);
      });
      subs.push(sub);
      await h.bus.produce([0, 1, 2, 3].map((p) => ({ topic: t, key: null, value: Buffer.from(`p${p}`), partition: p })));
      await waitFor(() => got.length >= 1, h.patienceMs, 'record of partition 2');
      await new Promise((r) => setTimeout(r, 200));
      expect(got.map(text)).toEqual(['p2']);
    });

    it('stores each record exactly once when the producer retries', async () => {
      const t = await topic(1);
      await h.bus.produce([{ topic: t, key: 'k', value: Buffer.from('0') }]);
      h.failNextProduce();
      await h.bus.produce([1, 2, 3].map((i) => ({ topic: t, key: 'k', value: Buffer.from(String(i)) })));
      await h.bus.produce([{ topic: t, key: 'k', value: Buffer.from('4') }]);
      const got: BusRecord[] = [];
      await collect(h.bus, `g-${t}`, [t], got);
      await waitFor(() => got.length >= 5, h.patienceMs, 'five records');
      await new Promise((r) => setTimeout(r, 200));
      expect(got.map(text)).toEqual(['0', '1', '2', '3', '4']);
    });

    it('loses nothing under many concurrent producers', async () => {
      const t = await topic(4);
      await Promise.all(
        Array.from({ length: 20 }, (_, p) =>
          (async () => {
            for (let i = 0; i < 25; i++) await h.bus.produce([{ topic: t, key: `p${p}`, value: Buffer.from(`${p}:${i}`) }]);
          })(),
        ),
      );
      const got: BusRecord[] = [];
      await collect(h.bus, `g-${t}`, [t], got);
      await waitFor(() => got.length >= 500, h.patienceMs, '500 records');
      expect(new Set(got.map(text)).size).toBe(500);
      for (let p = 0; p < 20; p++) {
        const seq = got.filter((r) => r.key === `p${p}`).map((r) => Number(text(r).split(':')[1]));
        expect(seq).toEqual(Array.from({ length: 25 }, (_, i) => i));
      }
    });
  });
}
