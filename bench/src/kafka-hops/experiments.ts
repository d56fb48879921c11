import { randomUUID } from 'node:crypto';
import { createKafkaBus, type Bus, type BusRecord, type Subscription } from '@sluice/core';
import { runChain, STAGES } from './chain.js';
import { messageKey, messageNumber, messageValue, type HopsSettings } from './hops-settings.js';
import { sequential } from './measure.js';
import type { HopResult } from './stats.js';

/**
 * Runs the latency experiments against a broker, each on fresh topics: (a) produce acknowledgement of single
 * records, (b) produce to handler over one hop, (c) a chain of four hops (see runChain). CPU is this process's
 * (every thread) and the broker's over the measured messages.
 */
export async function runHopExperiments(settings: HopsSettings): Promise<HopResult[]> {
  const results: HopResult[] = [];
  if (!settings.only.has('ack') && !settings.only.has('hop') && !settings.only.has('chain')) return results;
  const run = randomUUID().slice(0, 8);
  const topic = (name: string): string => `kafka-hops-${run}-${name}`;
  const buses: Bus[] = [];
  const subs: Subscription[] = [];
  const bus = (name: string): Bus => {
    const b = createKafkaBus({ ...settings.bus, brokers: settings.brokers, clientId: `kafka-hops-${run}-${name}` });
    buses.push(b);
    return b;
  };
  const client = bus('client');
  const chainTopics = Array.from({ length: STAGES }, (_, i) => topic(`chain${i + 1}`));
  const specs = [topic('ack'), topic('hop'), ...chainTopics].map((t) => ({ topic: t, partitions: settings.partitions, retentionMs: 3_600_000, compacted: false }));
  await client.createTopics(specs);
  const send = (t: string, i: number): Promise<void> => client.produce([{ topic: t, key: messageKey(settings, i), value: messageValue(settings, i) }]);

  try {
    if (settings.only.has('ack')) results.push(await sequential('produce ack', settings, (i) => send(topic('ack'), i)));
    if (settings.only.has('hop')) {
      const waiters = new Map<number, () => void>();
      const onHop = async (records: BusRecord[]): Promise<void> => {
        for (const r of records) waiters.get(messageNumber(r.value))?.();
      };
      subs.push(await bus('hop').subscribe({ group: topic('hop'), topics: [topic('hop')] }, onHop));
      const hop = await sequential('1 hop: produce → handler', settings, async (i) => {
        const arrived = new Promise<void>((resolve) => waiters.set(i, resolve));
        await send(topic('hop'), i);
        await arrived;
        waiters.delete(i);
      });
      results.push(hop);
    }
    if (settings.only.has('chain')) results.push(...(await runChain(settings, client, chainTopics, run)));
    return results;
  } finally {
    await Promise.allSettled(subs.map((s) => s.stop()));
    await Promise.allSettled(buses.map((b) => b.close()));
  }
}
