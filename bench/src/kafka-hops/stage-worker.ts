/**
 * One stage of the chain, in a worker thread of its own (as each gateway role has a process and an event loop of
 * its own): consumes its topic as its own group and hands the records on to the next topic, awaiting the
 * acknowledgement as the gateway's handlers do. The last stage tells the main thread at once when a record
 * arrives (that ends the trip); the others note arrival times and report them when stopped, so that the
 * measurement wakes no thread the gateway would not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafkaBus } from '@sluice/core';
import { messageNumber, wallMs, type PlainBusOptions } from './hops-settings.js';

/** What the main thread tells a stage. */
export interface StageData {
  brokers: string[];
  clientId: string;
  bus: PlainBusOptions;
  group: string;
  topic: string;
  /** Where the records go next; null for the last stage. */
  next: string | null;
}

/** What a stage tells the main thread. */
export type StageMessage =
  | { type: 'ready' }
  | { type: 'arrived'; ids: number[]; at: number }
  | { type: 'failed'; message: string }
  /** Sent when stopped: when each message arrived (wall ms), for a stage that did not report at once. */
  | { type: 'stopped'; arrivals: Array<[number, number]> };

const data = workerData as StageData;
const port = parentPort!;
const post = (message: StageMessage): void => port.postMessage(message);

const bus = createKafkaBus({ ...data.bus, brokers: data.brokers, clientId: data.clientId });
const arrivals = new Map<number, number>();
try {
  const subscription = await bus.subscribe({ group: data.group, topics: [data.topic] }, async (records) => {
    const at = wallMs();
    const next = data.next;
    if (!next) {
      post({ type: 'arrived', ids: records.map((r) => messageNumber(r.value)), at });
      return;
    }
    for (const r of records) if (!arrivals.has(messageNumber(r.value))) arrivals.set(messageNumber(r.value), at);
    await bus.produce(records.map((r) => ({ topic: next, key: r.key, value: r.value })));
  });
  port.once('message', () => {
    void subscription
      .stop()
      .then(() => bus.close())
      .finally(() => post({ type: 'stopped', arrivals: [...arrivals] }));
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  await bus.close();
}
