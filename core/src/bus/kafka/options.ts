import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

/** Where the Kafka bus sends its own and the Kafka client's log lines. */
export type KafkaBusLogger = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra?: object) => void;

/**
 * Opens the TCP connection to a broker (the Kafka client's socket factory): call `onConnect` once connected.
 * Tests wrap the default one to inject network faults.
 */
export type KafkaSocketFactory = (args: {
  host: string;
  port: number;
  ssl: ConnectionOptions;
  onConnect: () => void;
}) => Socket;

/** How to reach Kafka and how to batch and consume. */
export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Client id the broker sees in its logs and quotas. */
  clientId: string;
  /**
   * Longest a consumer's fetch waits at the broker for new records (default 250 ms). Records that arrive end
   * the wait at once, so this does not add latency; it bounds how often an idle consumer asks again (each empty
   * fetch costs CPU on client and broker), and how long stopping or resuming a paused partition can take.
   */
  maxWaitMs?: number;
  /** Receives the bus's log lines and the client's warnings; without it nothing is logged. */
  logger?: KafkaBusLogger;
  /** Replaces the TCP connection factory (fault injection in tests). */
  socketFactory?: KafkaSocketFactory;
  /** A produce call not acknowledged within this time rejects; its records may still be stored (default 30 s). */
  produceTimeoutMs?: number;
  /** Most records in one produce request (default 5000). */
  maxBatchRecords?: number;
  /** Most bytes of keys, values and headers in one produce request (default 900 KiB, under Kafka's 1 MiB). */
  maxBatchBytes?: number;
  /** A consumer that sends no heartbeat for this long leaves its group (default 10 s). */
  sessionTimeoutMs?: number;
  /** How often consumers heartbeat, which also bounds how fast they notice a rebalance (default 1 s). */
  heartbeatIntervalMs?: number;
  /** Partitions of one consumer handled at the same time, each still in order (default 16: a handler that waits, like the audit sink's for its write, holds only its own partition). */
  partitionsConsumedConcurrently?: number;
  /**
   * How long a consumer gathers handled offsets before it commits them (default 100 ms; 0 commits after every
   * batch). Commits never hold up the next fetch and never cover a record whose handler has not resolved; a
   * longer interval means fewer commit requests (CPU on client and broker) but more records delivered again after
   * a crash or a rebalance.
   */
  commitIntervalMs?: number;
}

/** The options with every default filled in. */
export type ResolvedKafkaBusOptions = Required<Omit<KafkaBusOptions, 'socketFactory'>> &
  Pick<KafkaBusOptions, 'socketFactory'>;

const silent: KafkaBusLogger = () => {};

/** Fills in defaults and rejects values that cannot work. */
export function resolveKafkaBusOptions(options: KafkaBusOptions): ResolvedKafkaBusOptions {
  if (options.brokers.length === 0) throw new RangeError('kafka bus: brokers must name at least one broker');
  const resolved: ResolvedKafkaBusOptions = {
    brokers: [...options.brokers],
    clientId: options.clientId,
    maxWaitMs: options.maxWaitMs ?? 250,
    logger: options.logger ?? silent,
    socketFactory: options.socketFactory,
    produceTimeoutMs: options.produceTimeoutMs ?? 30_000,
    maxBatchRecords: options.maxBatchRecords ?? 5_000,
    maxBatchBytes: options.maxBatchBytes ?? 900 * 1024,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 16,
    commitIntervalMs: options.commitIntervalMs ?? 100,
  };
  if (!(resolved.commitIntervalMs >= 0)) throw new RangeError('kafka bus: commitIntervalMs must not be negative');
  if (resolved.heartbeatIntervalMs * 3 > resolved.sessionTimeoutMs) {
    throw new RangeError('kafka bus: heartbeatIntervalMs must be at most a third of sessionTimeoutMs');
  }
  return resolved;
}
