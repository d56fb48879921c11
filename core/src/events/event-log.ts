import {
  CURRENT_SCHEMA_VERSION,
  TOPICS,
  decodeEvent,
  encodeEvent,
  topicDeclaration,
  topicName,
  type SluiceEvent,
  type TopicName,
} from '@sluice/schemas';
import type { Bus, BusRecord, ProduceRecord, Subscription } from '../bus/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** An event read from the log with the record that carried it. */
export interface ConsumedEvent {
  event: SluiceEvent;
  record: BusRecord;
}

/** How to consume events. */
export interface EventSubscribeOptions {
  group: string;
  topics: readonly TopicName[];
  partitions?: readonly number[];
  fromBeginning?: boolean;
  /** See `SubscribeOptions.bulk`. */
  bulk?: boolean;
}

/**
 * Typed events over a bus: topic names from the catalog under a prefix, keys by the catalog's rule, Avro
 * encoding, and dead-lettering of records no reader can decode.
 *
 * Every event is encoded (so a value that does not fit its schema fails the same way on every bus), but a record
 * this log appended and a consumer of the same log reads back (the in-memory bus hands over the very buffer) is
 * not decoded again: the consumer gets the published event, normalized to what decoding would give and frozen,
 * shared by every group that reads it. Records from elsewhere (Kafka) are decoded.
 */
export class EventLog {
  private readonly producedCounters = new Map<string, { inc(n: number): void }>();
  private readonly consumedCounters = new Map<string, { inc(n: number): void }>();

  constructor(
    readonly bus: Bus,
    readonly prefix: string,
    private readonly metrics: Metrics | null = null,
    private readonly logger: Logger | null = null,
  ) {}

  /** Physical name of a catalog topic. */
  topic(name: TopicName): string {
    return topicName(this.prefix, name);
  }

  /** Creates every catalog topic that does not exist yet. */
  async ensureTopics(): Promise<void> {
    await this.bus.createTopics(
      TOPICS.map((t) => ({ topic: this.topic(t.name), partitions: t.partitions, retentionMs: t.retentionMs, compacted: t.compacted })),
    );
  }

  /** Appends events to a topic; resolves once they are durable. */
  async publish(name: TopicName, events: readonly SluiceEvent[]): Promise<void> {
    if (events.length === 0) return;
    const topic = this.topic(name);
    const rule = topicDeclaration(name).key;
    const records: ProduceRecord[] = events.map((event) => {
      const value: PublishedValue = encodeEvent(event);
      // A property of the buffer rather than a WeakMap entry: ephemerons cost the garbage collector dearly.
      value[PUBLISHED_EVENT] = asDecoded(event);
      const record: ProduceRecord = {
        topic,
        key: keyOf(rule, event),
        value,
        headers: headersOf(event),
      };
      if (rule === 'ingress-node' && event.replyPartition !== null) record.partition = event.replyPartition;
      return record;
    });
    await this.bus.produce(records);
    this.producedCounter(name)?.inc(events.length);
  }

  /** Consumes events; the handler gets one partition's events in order, committed after it resolves. */
  subscribe(options: EventSubscribeOptions, handler: (events: ConsumedEvent[]) => Promise<void>): Promise<Subscription> {
    const byTopic = new Map(options.topics.map((t) => [this.topic(t), t]));
    const subscribe: Parameters<Bus['subscribe']>[0] = { group: options.group, topics: [...byTopic.keys()] };
    if (options.partitions) subscribe.partitions = options.partitions;
    if (options.fromBeginning !== undefined) subscribe.fromBeginning = options.fromBeginning;
    if (options.bulk) subscribe.bulk = true;
    return this.bus.subscribe(subscribe, async (records) => {
      const events: ConsumedEvent[] = [];
      const poison: BusRecord[] = [];
      for (const record of records) {
        const known = (record.value as PublishedValue)[PUBLISHED_EVENT];
        if (known) {
          events.push({ event: known, record });
          continue;
        }
        try {
          events.push({ event: decodeEvent(record.value), record });
        } catch (err) {
          poison.push(record);
          this.logger?.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: String(err) }, 'dead-lettering an undecodable record');
        }
      }
      if (poison.length > 0) await this.deadLetter(poison);
      if (events.length > 0) await handler(events);
      const logical = byTopic.get(records[0]?.topic ?? '');
      if (logical) this.consumedCounter(logical, options.group)?.inc(records.length);
    });
  }

  private producedCounter(topic: TopicName): { inc(n: number): void } | null {
    if (!this.metrics) return null;
    let counter = this.producedCounters.get(topic);
    if (!counter) {
      counter = this.metrics.eventsProduced.labels(topic);
      this.producedCounters.set(topic, counter);
    }
    return counter;
  }

  private consumedCounter(topic: TopicName, group: string): { inc(n: number): void } | null {
    if (!this.metrics) return null;
    const key = `${topic}\u0000${group}`;
    let counter = this.consumedCounters.get(key);
    if (!counter) {
      counter = this.metrics.eventsConsumed.labels(topic, group);
      this.consumedCounters.set(key, counter);
    }
    return counter;
  }

  private async deadLetter(records: BusRecord[]): Promise<void> {
    await this.bus.produce(
      records.map((r) => ({
        topic: this.topic('dead-letter'),
        key: `${r.topic}:${r.partition}`,
        value: r.value,
        headers: { ...r.headers, 'sluice-source-topic': r.topic, 'sluice-source-partition': String(r.partition), 'sluice-source-offset': r.offset },
      })),
    );
    this.metrics?.deadLettered.inc({ topic: records[0]?.topic ?? '' }, records.length);
  }
}

/** Where a buffer this process encoded keeps the event it carries. */
const PUBLISHED_EVENT = Symbol('sluice.publishedEvent');

type PublishedValue = Buffer & { [PUBLISHED_EVENT]?: SluiceEvent };

/**
 * The event as a reader decodes it: written with the current schema version, `message` as a Buffer. Frozen (the
 * envelope, the principal and the body), since every consumer in the process shares it.
 */
function asDecoded(event: SluiceEvent): SluiceEvent {
  const message = event.message;
  const decoded = {
    ...event,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    message: message === null || Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength),
  } as SluiceEvent;
  Object.freeze(decoded.principal);
  Object.freeze(decoded.body);
  return Object.freeze(decoded);
}

function keyOf(rule: string, event: SluiceEvent): string {
  switch (rule) {
    case 'ingress-node':
      return event.ingressNode ?? event.id;
    case 'registry':
      return 'registry';
    default:
      return event.sessionId ?? event.requestId ?? event.id;
  }
}

function headersOf(event: SluiceEvent): Record<string, string> {
  const headers: Record<string, string> = { 'sluice-type': event.type };
  if (event.traceparent) headers.traceparent = event.traceparent;
  if (event.tracestate) headers.tracestate = event.tracestate;
  return headers;
}
