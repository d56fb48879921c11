import {
  CURRENT_SCHEMA_VERSION,
  TOPICS,
  checkEvent,
  decodeEvent,
  encodeCheckedEvent,
  topicDeclaration,
  topicName,
  type SluiceEvent,
  type TopicName,
} from '@sluice/schemas';
import type { Bus, BusRecord, Pending, ProduceRecord, Subscription } from '../bus/types.js';
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
 * Every event is checked against its schema when published (so a value that does not fit fails the same way on
 * every bus), but encoded only when the bus needs the bytes: Kafka at once, the in-memory bus only if a reader
 * asks for a record's value. A record this log appended and a consumer of the same log reads back (the in-memory
 * bus hands over the attachment) is not decoded: the consumer gets the published event, normalized to what
 * decoding would give and frozen, shared by every group that reads it. Records from elsewhere (Kafka) are decoded.
 */
export class EventLog {
  private readonly producedCounters = new Map<string, { inc(n: number): void }>();

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
      const published = asDecoded(event);
      const record: ProduceRecord = {
        topic,
        key: keyOf(rule, event),
        value: () => encodeCheckedEvent(published.event),
        headers: headersOf(event),
        attachment: published,
      };
      if (rule === 'ingress-node' && event.replyPartition !== null) record.partition = event.replyPartition;
      return record;
    });
    await this.bus.produce(records);
    this.producedCounter(name)?.inc(events.length);
  }

  /**
   * Consumes events; the handler gets one partition's events in order, committed after it resolves (or, when it
   * resolves with a {@link Pending}, after that settles).
   */
  subscribe(options: EventSubscribeOptions, handler: (events: ConsumedEvent[]) => Promise<void | Pending>): Promise<Subscription> {
    // The consumed count of each physical topic, found once rather than per batch.
    const consumed = new Map(options.topics.map((t) => [this.topic(t), this.metrics?.eventsConsumed.tally(t, options.group) ?? null]));
    const subscribe: Parameters<Bus['subscribe']>[0] = { group: options.group, topics: [...consumed.keys()] };
    if (options.partitions) subscribe.partitions = options.partitions;
    if (options.fromBeginning !== undefined) subscribe.fromBeginning = options.fromBeginning;
    if (options.bulk) subscribe.bulk = true;
    return this.bus.subscribe(subscribe, async (records) => {
      const events: ConsumedEvent[] = [];
      const poison: BusRecord[] = [];
      for (const record of records) {
        if (record.attachment instanceof Published) {
          events.push({ event: record.attachment.event, record });
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
      const result = events.length > 0 ? await handler(events) : undefined;
      consumed.get(records[0]?.topic ?? '')?.inc(records.length);
      return result;
    });
  }

  private producedCounter(topic: TopicName): { inc(n: number): void } | null {
    if (!this.metrics) return null;
    let counter = this.producedCounters.get(topic);
    if (!counter) {
      counter = this.metrics.eventsProduced.tally(topic);
      this.producedCounters.set(topic, counter);
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

/** An event this process published, as the in-memory bus hands it to consumers here. */
class Published {
  constructor(readonly event: SluiceEvent) {}
}

/**
 * The event as a reader decodes it: written with the current schema version, `message` as a Buffer. Checked
 * against its schema (throws SLUICE_SCHEMA_ENCODE_INVALID), then frozen (the envelope, the principal and the
 * body), since every consumer in the process shares it and its bytes may be encoded from it later.
 */
function asDecoded(event: SluiceEvent): Published {
  const message = event.message;
  const decoded = {
    ...event,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    message: message instanceof Uint8Array && !Buffer.isBuffer(message) ? Buffer.from(message.buffer, message.byteOffset, message.byteLength) : message,
  } as SluiceEvent;
  checkEvent(decoded);
  Object.freeze(decoded.principal);
  Object.freeze(decoded.body);
  return new Published(Object.freeze(decoded));
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
