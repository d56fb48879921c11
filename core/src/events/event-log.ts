import {
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
}

/**
 * Typed events over a bus: topic names from the catalog under a prefix, keys by the catalog's rule, Avro
 * encoding, and dead-lettering of records no reader can decode.
 */
export class EventLog {
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
      const record: ProduceRecord = {
        topic,
        key: keyOf(rule, event),
        value: encodeEvent(event),
        headers: headersOf(event),
      };
      if (rule === 'ingress-node' && event.replyPartition !== null) record.partition = event.replyPartition;
      return record;
    });
    await this.bus.produce(records);
    this.metrics?.eventsProduced.inc({ topic: name }, events.length);
  }

  /** Consumes events; the handler gets one partition's events in order, committed after it resolves. */
  subscribe(options: EventSubscribeOptions, handler: (events: ConsumedEvent[]) => Promise<void>): Promise<Subscription> {
    const byTopic = new Map(options.topics.map((t) => [this.topic(t), t]));
    const subscribe: Parameters<Bus['subscribe']>[0] = { group: options.group, topics: [...byTopic.keys()] };
    if (options.partitions) subscribe.partitions = options.partitions;
    if (options.fromBeginning !== undefined) subscribe.fromBeginning = options.fromBeginning;
    return this.bus.subscribe(subscribe, async (records) => {
      const events: ConsumedEvent[] = [];
      const poison: BusRecord[] = [];
      for (const record of records) {
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
      if (logical) this.metrics?.eventsConsumed.inc({ topic: logical, group: options.group }, records.length);
    });
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
