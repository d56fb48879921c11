import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaBus, type Bus, type Subscription } from '@sluice/core';
import type { HopsSettings } from './hops-settings.js';
import { cpuSince } from './stats.js';

/** What idle subscriptions cost. */
export interface IdleResult {
  subscriptions: number;
  seconds: number;
  /** CPU of this process and of the broker, in milliseconds per second of idling. */
  cpuMsPerSecond: number;
  brokerCpuMsPerSecond: number;
}

/**
 * CPU while nothing is produced: one bus per subscription (as the gateway's roles each have their own), each
 * having produced one record so that its producer connection is open too. The cost comes from consumers asking
 * again whenever their fetch wait ends, heartbeats, and the client's timers; the gateway pays it all the time.
 */
export async function runIdleExperiment(settings: HopsSettings): Promise<IdleResult> {
  const run = randomUUID().slice(0, 8);
  const topic = `kafka-hops-${run}-idle`;
  const buses: Bus[] = [];
  const subs: Subscription[] = [];
  try {
    for (let i = 0; i < settings.idleSubscriptions; i++) {
      const bus = createKafkaBus({ ...settings.bus, brokers: settings.brokers, clientId: `kafka-hops-${run}-idle${i}` });
      buses.push(bus);
      if (i === 0) await bus.createTopics([{ topic, partitions: settings.partitions, retentionMs: 3_600_000, compacted: false }]);
      subs.push(await bus.subscribe({ group: `${topic}-${i}`, topics: [topic] }, async () => {}));
      await bus.produce([{ topic, key: `k${i}`, value: Buffer.from('x') }]);
    }
    await sleep(1_000);
    const cpu = process.cpuUsage();
    const broker = settings.brokerCpuMicros();
    await sleep(settings.idleSeconds * 1_000);
    const perSecond = (micros: number): number => micros / 1_000 / settings.idleSeconds;
    return {
      subscriptions: settings.idleSubscriptions,
      seconds: settings.idleSeconds,
      cpuMsPerSecond: perSecond(cpuSince(cpu)),
      brokerCpuMsPerSecond: perSecond(settings.brokerCpuMicros() - broker),
    };
  } finally {
    await Promise.allSettled(subs.map((s) => s.stop()));
    await Promise.allSettled(buses.map((b) => b.close()));
  }
}

/** One line: the idle cost per second. */
export function formatIdle(r: IdleResult): string {
  const broker = Number.isNaN(r.brokerCpuMsPerSecond) ? '-' : r.brokerCpuMsPerSecond.toFixed(1);
  return `idle, ${r.subscriptions} subscriptions over ${r.seconds} s: ${r.cpuMsPerSecond.toFixed(1)} ms CPU/s here, ${broker} ms CPU/s broker`;
}
