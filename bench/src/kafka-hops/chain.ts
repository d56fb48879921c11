import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Bus } from '@sluice/core';
import { messageKey, messageValue, wallMs, type HopsSettings } from './hops-settings.js';
import { cpuWindow, type CpuWindow } from './measure.js';
import type { StageData, StageMessage } from './stage-worker.js';
import type { HopResult } from './stats.js';

/** Hops of a tool call in Kafka mode: requests → decisions → replies (with dispatches) → the ingress reply slot. */
export const STAGES = 4;

/** One message's trip: when it was sent (or due) and when the last stage received it (wall ms). */
interface Trip {
  id: number;
  start: number;
  end: number;
}

/** Sends message i into the chain; resolves when the last stage has it. */
type Through = (i: number, start: number) => Promise<Trip>;

type Measured = { label: string; trips: Trip[]; cpu: CpuWindow };

/**
 * The chain: four stages, each a consumer group on its own bus in its own worker thread, handing every record on
 * to the next topic. `client` produces into `topics[0]`; the stages consume `topics[0..3]`.
 */
export async function runChain(settings: HopsSettings, client: Bus, topics: readonly string[], run: string): Promise<HopResult[]> {
  const waiting = new Map<number, (at: number) => void>();
  const workers: Worker[] = [];
  let measured: Measured;
  let arrivals: Array<Map<number, number>> = [];
  try {
    const started = await Promise.allSettled(topics.map((_, index) => startStage(settings, topics, index, `kafka-hops-${run}-stage${index + 1}`)));
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    workers.at(-1)!.on('message', (message: StageMessage) => {
      if (message.type !== 'arrived') return;
      for (const id of message.ids) waiting.get(id)?.(message.at);
    });
    const through: Through = async (i, start) => {
      const arrived = new Promise<number>((resolve) => waiting.set(i, resolve));
      await client.produce([{ topic: topics[0]!, key: messageKey(settings, i), value: messageValue(settings, i) }]);
      const end = await arrived;
      waiting.delete(i);
      return { id: i, start, end };
    };
    measured = settings.rate > 0 ? await openLoop(settings, through) : await oneAtATime(settings, through);
  } finally {
    arrivals = await Promise.all(workers.map((w) => stopWorker(w)));
  }
  return chainResults(measured.label, measured.trips, arrivals, measured.cpu);
}

/** Starts stage `index` (consuming `topics[index]`) and waits until it has subscribed. */
async function startStage(settings: HopsSettings, topics: readonly string[], index: number, clientId: string): Promise<Worker> {
  const data: StageData = { brokers: settings.brokers, clientId, bus: settings.bus, group: topics[index]!, topic: topics[index]!, next: topics[index + 1] ?? null };
  const worker = new Worker(new URL('./stage-worker.js', import.meta.url), { workerData: data });
  await new Promise<void>((resolve, reject) => {
    const onStart = (m: StageMessage): void => {
      if (m.type !== 'ready' && m.type !== 'failed') return;
      worker.off('message', onStart);
      if (m.type === 'ready') resolve();
      else reject(new Error(`stage ${index + 1}: ${m.message}`));
    };
    worker.on('message', onStart);
    worker.once('error', reject);
  });
  return worker;
}

/** Stops a stage; resolves with the arrival times it noted (message → wall ms). */
async function stopWorker(worker: Worker): Promise<Map<number, number>> {
  const stopped = new Promise<Map<number, number>>((resolve) =>
    worker.on('message', (m: StageMessage) => m.type === 'stopped' && resolve(new Map(m.arrivals))),
  );
  worker.postMessage('stop');
  const arrivals = await Promise.race([stopped, sleep(10_000).then(() => new Map<number, number>())]);
  await worker.terminate();
  return arrivals;
}

/** The chain, one message at a time. */
async function oneAtATime(settings: HopsSettings, through: Through): Promise<Measured> {
  for (let i = 0; i < settings.warmup; i++) await through(i, wallMs());
  const trips: Trip[] = [];
  const window = cpuWindow(settings);
  for (let i = settings.warmup; i < settings.warmup + settings.count; i++) trips.push(await through(i, wallMs()));
  return { label: 'chain, sequential', trips, cpu: window() };
}

/** The chain at a fixed rate: message n is due at start + n / rate, and its latency counts from then. */
async function openLoop(settings: HopsSettings, through: Through): Promise<Measured> {
  const paced = async (first: number, count: number): Promise<Trip[]> => {
    const begin = wallMs();
    const pending: Array<Promise<Trip>> = [];
    for (let n = 0; n < count; n++) {
      const due = begin + (n * 1000) / settings.rate;
      const wait = due - wallMs();
      if (wait > 1) await sleep(wait);
      pending.push(through(first + n, due));
    }
    return Promise.all(pending);
  };
  // The warm-up runs at the same rate, so batching and the JIT settle as they will be measured.
  await paced(0, settings.warmup);
  const window = cpuWindow(settings);
  const trips = await paced(settings.warmup, settings.count);
  return { label: `chain @ ${settings.rate}/s`, trips, cpu: window() };
}

/** Rows for the whole trip and for each hop; `arrivals[s]` has stage s+1's arrival times (the last stage's are the trips' ends). */
function chainResults(label: string, trips: readonly Trip[], arrivals: ReadonlyArray<ReadonlyMap<number, number>>, cpu: CpuWindow): HopResult[] {
  const whole = { name: `${label}: ${STAGES} hops`, latenciesMs: trips.map((t) => t.end - t.start), ...cpu };
  const times = (t: Trip): number[] => [t.start, ...arrivals.slice(0, STAGES - 1).map((a) => a.get(t.id) ?? Number.NaN), t.end];
  const hops = Array.from({ length: STAGES }, (_, h) => ({
    name: `${label}: hop ${h + 1}`,
    latenciesMs: trips.map(times).map((t) => t[h + 1]! - t[h]!).filter((ms) => !Number.isNaN(ms)),
    cpuMicros: Number.NaN,
    brokerCpuMicros: Number.NaN,
  }));
  return [whole, ...hops];
}
