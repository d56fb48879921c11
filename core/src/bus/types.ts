/** A record as read from a topic. */
export interface BusRecord {
  topic: string;
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Epoch milliseconds the record was appended. */
  timestamp: number;
  /** What the producer attached ({@link ProduceRecord.attachment}), when the record never left this process. */
  attachment?: unknown;
}

/** A record to append. Without `partition`, the key chooses it (records with one key keep their order). */
export interface ProduceRecord {
  topic: string;
  key: string | null;
  /**
   * The bytes, or a function that makes them: a bus that keeps records in this process calls it once, when a
   * reader first asks for the value (if one ever does); a bus that sends records elsewhere calls it at once.
   */
  value: Buffer | (() => Buffer);
  headers?: Record<string, string>;
  partition?: number;
  /**
   * An object handed as is to readers in this process ({@link BusRecord.attachment}) by a bus that keeps records
   * here, so they need not decode the value; a bus that sends records elsewhere drops it.
   */
  attachment?: unknown;
}

/** A record to append whose value is bytes. */
export type EncodedRecord = Omit<ProduceRecord, 'value'> & { value: Buffer };

/** The record with its value as bytes: itself, or a copy with the value function called. */
export function encodedRecord(record: ProduceRecord): EncodedRecord {
  const { value } = record;
  return typeof value === 'function' ? { ...record, value: value() } : (record as EncodedRecord);
}

/** A topic to create if it does not exist. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** -1 keeps records for ever. */
  retentionMs: number;
  compacted: boolean;
}

/**
 * What a handler may resolve with when it has taken its batch on but not finished it (the router: every call of
 * the batch started, none answered yet). The batch's offsets are committed only once `settled` resolves and every
 * earlier batch of the partition is committed; if it rejects, the records are delivered again from this batch on,
 * as for a handler that rejects. The in-memory bus hands the partition's next batch over at once, so a slow batch
 * does not hold back the records behind it; the Kafka bus waits for `settled` before the next batch.
 */
export interface Pending {
  settled: Promise<void>;
}

/** True for what a handler resolved with when it left its batch {@link Pending}. */
export function isPending(result: unknown): result is Pending {
  return typeof result === 'object' && result !== null && (result as Partial<Pending>).settled instanceof Promise;
}

/**
 * Handler for records of ONE partition, in offset order; offsets are committed after it resolves, or after the
 * {@link Pending} it resolves with settles.
 */
export type BatchHandler = (records: BusRecord[]) => Promise<void | Pending>;

/** How to consume. */
export interface SubscribeOptions {
  /** Consumer group: members of one group split the partitions; each group sees every record. */
  group: string;
  topics: string[];
  /**
   * Read only these partitions of each topic (a static assignment inside the group, which should then have
   * this member only). Without it, the group's members share all partitions.
   */
  partitions?: readonly number[];
  /** Where a group with no committed offset starts: the oldest record (default) or the end. */
  fromBeginning?: boolean;
  /**
   * The handler prefers few large batches to low latency (the audit sink, which writes rows in batches anyway): on
   * Kafka a fetch waits up to {@link BULK_FETCH} for that many bytes, instead of answering with the first record,
   * which spares the broker and the client a fetch per record or two. In memory, the handler takes new records
   * `BULK_WAIT_MS` after the first of them arrived: the records of many requests come as one batch, handled after
   * those requests.
   */
  bulk?: boolean;
}

/** What a `bulk` subscription's fetches wait for on Kafka: this many bytes, or this long. */
export const BULK_FETCH = { minBytes: 1024 * 1024, maxWaitMs: 500 } as const;

/** A running consumer. */
export interface Subscription {
  /** Stops consuming; records handed to the handler and not yet committed are delivered again later. */
  stop(): Promise<void>;
}

/**
 * The event log. Implemented by Kafka and by an in-memory bus with the same semantics: keyed partitions,
 * per-partition order, consumer groups, commit after processing.
 */
export interface Bus {
  readonly kind: 'memory' | 'kafka';
  /**
   * How many partitions' batches one subscription may be handling at once (Kafka: the consumer's
   * `partitionsConsumedConcurrently`; in memory, every partition). A handler that waits for the others to join it
   * (the audit sink's shared writes) gains nothing by waiting for more than this many: no other can come.
   */
  readonly concurrentBatches: number;
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Appends records; resolves once every one is durably stored (acks=all on Kafka). */
  produce(records: readonly ProduceRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  /** Number of partitions of a topic. */
  partitionCount(topic: string): Promise<number>;
  close(): Promise<void>;
}
