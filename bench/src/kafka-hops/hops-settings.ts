import type { KafkaBusOptions } from '@sluice/core';

/** The experiments by name. */
export const EXPERIMENTS = ['ack', 'hop', 'chain', 'idle'] as const;
export type Experiment = (typeof EXPERIMENTS)[number];

/** Bus options that can be handed to a worker thread (plain values only). */
export type PlainBusOptions = Partial<Pick<KafkaBusOptions, 'maxWaitMs' | 'commitIntervalMs' | 'partitionsConsumedConcurrently'>>;

/** What the experiments are told. */
export interface HopsSettings {
  brokers: string[];
  /** Measured messages per experiment. */
  count: number;
  /** Messages sent first and not measured (connections, metadata, first fetches, the JIT). */
  warmup: number;
  /** Partitions of every topic (the gateway's topics have 12). */
  partitions: number;
  /** Distinct keys, like sessions: 1 puts every message in one partition. */
  keys: number;
  /** Bytes of each record's value. */
  valueBytes: number;
  /** Chain only: offered messages per second (open loop, latency from the due time); 0 sends one at a time. */
  rate: number;
  /** Which experiments to run. */
  only: ReadonlySet<Experiment>;
  /** Idle only: how many subscriptions, each on a bus of its own, and for how long. */
  idleSubscriptions: number;
  idleSeconds: number;
  /** The broker's CPU time so far in microseconds, or NaN when it cannot be read. */
  brokerCpuMicros: () => number;
  /** Bus options beyond brokers and client id, for comparing settings; the bus's defaults otherwise. */
  bus: PlainBusOptions;
}

/** A record value that starts with its message number, padded to the configured size. */
export function messageValue(settings: HopsSettings, i: number): Buffer {
  return Buffer.from(String(i).padEnd(settings.valueBytes, '.'));
}

/** The message number at the start of a record value. */
export function messageNumber(value: Buffer): number {
  return Number.parseInt(value.toString('latin1', 0, 12), 10);
}

/** The record key of message i: `keys` distinct sessions. */
export function messageKey(settings: HopsSettings, i: number): string {
  return `session-${i % settings.keys}`;
}

/** Milliseconds on a clock that worker threads share with the main thread. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
