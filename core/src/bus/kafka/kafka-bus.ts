import type { Admin, Kafka as KafkaClient, Producer } from 'kafkajs';
import { SluiceError } from '../../errors.js';
import type { BatchHandler, Bus, ProduceRecord, SubscribeOptions, Subscription, TopicSpec } from '../types.js';
import { ConfigResourceTypes, Kafka, Partitioners } from './client.js';
import { startGroupConsumer } from './group-consumer.js';
import { BUS_BROKER_ERROR, busClosed, isUnknownTopic, toBusError } from './kafka-errors.js';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log.js';
import { resolveKafkaBusOptions, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './options.js';
import { ProduceBatcher } from './produce-batcher.js';
import { toTopicMessages } from './records.js';

/** Connects once on first use; a failed attempt is forgotten so the next call tries again. */
function lazily(connect: () => Promise<void>): () => Promise<void> {
  let connecting: Promise<void> | undefined;
  return () => {
    connecting ??= connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
}

/**
 * The bus on Kafka. Produce goes through one idempotent producer with acks from all in-sync replicas, and
 * concurrent calls share requests; each subscription is a consumer-group member that commits after its handler.
 * Connections open on first use.
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly options: ResolvedKafkaBusOptions;
  private readonly kafka: KafkaClient;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly connectProducer: () => Promise<void>;
  private readonly connectAdmin: () => Promise<void>;
  private readonly batcher: ProduceBatcher;
  private readonly subscriptions = new Set<Subscription>();
  /** Topics seen to exist, with their partition counts. */
  private readonly knownTopics = new Map<string, number>();
  /** Metadata look-ups in flight, shared by the calls that wait for the same topic. */
  private readonly lookups = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: KafkaBusOptions) {
    this.options = resolveKafkaBusOptions(options);
    this.kafka = new Kafka({
      clientId: this.options.clientId,
      brokers: this.options.brokers,
      logLevel: kafkaLogLevel(options.logger !== undefined),
      logCreator: kafkaLogCreator(this.options.logger),
      ...(this.options.socketFactory ? { socketFactory: this.options.socketFactory } : {}),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.connectProducer = lazily(() => this.producer.connect());
    this.connectAdmin = lazily(() => this.admin.connect());
    this.batcher = new ProduceBatcher((records) => this.send(records), {
      maxRecords: this.options.maxBatchRecords,
      maxBytes: this.options.maxBatchBytes,
      timeoutMs: this.options.produceTimeoutMs,
      timeoutError: () =>
        new SluiceError(BUS_BROKER_ERROR, `produce: not acknowledged within ${this.options.produceTimeoutMs} ms; the records may or may not be stored`, {
          retriable: true,
        }),
    });
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    if (specs.length === 0) return;
    try {
      await this.connectAdmin();
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: specs.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          configEntries: [
            { name: 'retention.ms', value: String(spec.retentionMs) },
            { name: 'cleanup.policy', value: spec.compacted ? 'compact' : 'delete' },
          ],
        })),
      });
      const counts = await this.fetchPartitionCounts(specs.map((s) => s.topic));
      for (const spec of specs) {
        const actual = counts.get(spec.topic);
        if (actual !== spec.partitions) {
          this.options.logger('warn', 'topic exists with another partition count than declared', {
            topic: spec.topic, declared: spec.partitions, actual,
          });
        }
      }
    } catch (error) {
      throw toBusError(error, `create topics ${specs.map((s) => s.topic).join(', ')}`);
    }
  }

  async partitionCount(topic: string): Promise<number> {
    this.assertOpen();
    try {
      await this.connectAdmin();
      const count = (await this.fetchPartitionCounts([topic])).get(topic);
      if (count === undefined) throw new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', `topic ${topic} does not exist`, { retriable: false });
      return count;
    } catch (error) {
      throw toBusError(error, `partition count of ${topic}`);
    }
  }

  /** The topic's current settings (all of them, or the named ones), as the broker reports them. */
  async describeTopicConfig(topic: string, names?: readonly string[]): Promise<Record<string, string>> {
    this.assertOpen();
    try {
      await this.connectAdmin();
      const { resources } = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, ...(names ? { configNames: [...names] } : {}) }],
      });
      const config: Record<string, string> = {};
      for (const entry of resources[0]?.configEntries ?? []) config[entry.configName] = entry.configValue;
      return config;
    } catch (error) {
      throw toBusError(error, `describe topic ${topic}`);
    }
  }

  async produce(records: readonly ProduceRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    await this.assertTopicsExist(records);
    await this.batcher.add(records);
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    const counts = await this.knownPartitionCounts(options.topics);
    for (const topic of options.topics) {
      const missing = (options.partitions ?? []).filter((p) => p < 0 || p >= counts.get(topic)!);
      if (missing.length > 0) {
        throw new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', `topic ${topic} has no partition ${missing.join(', ')}`, { retriable: false });
      }
    }
    const subscription = await startGroupConsumer(this.kafka, options, handler, this.options);
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await this.batcher.flush();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async send(records: readonly ProduceRecord[]): Promise<void> {
    try {
      await this.connectProducer();
      await this.producer.sendBatch({ acks: -1, topicMessages: toTopicMessages(records) });
    } catch (error) {
      throw toBusError(error, 'produce');
    }
  }

  /** Fails fast on a topic that does not exist, where the client would retry until the produce timeout. */
  private async assertTopicsExist(records: readonly ProduceRecord[]): Promise<void> {
    const unknown = new Set<string>();
    for (const record of records) if (!this.knownTopics.has(record.topic)) unknown.add(record.topic);
    if (unknown.size > 0) await this.knownPartitionCounts([...unknown]);
  }

  private async knownPartitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length > 0) {
      const fresh = missing.filter((t) => !this.lookups.has(t));
      if (fresh.length > 0) {
        const lookup = (async () => {
          try {
            await this.connectAdmin();
            await this.fetchPartitionCounts(fresh);
          } finally {
            for (const t of fresh) this.lookups.delete(t);
          }
        })();
        for (const t of fresh) this.lookups.set(t, lookup);
      }
      try {
        await Promise.all(missing.map((t) => this.lookups.get(t)));
      } catch (error) {
        throw toBusError(error, `look up topics ${missing.join(', ')}`);
      }
    }
    return new Map(topics.map((t) => [t, this.knownTopics.get(t)!]));
  }

  private async fetchPartitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    try {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
      const counts = new Map<string, number>();
      for (const { name, partitions } of metadata.topics) {
        counts.set(name, partitions.length);
        this.knownTopics.set(name, partitions.length);
      }
      return counts;
    } catch (error) {
      if (isUnknownTopic(error)) {
        throw new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', `no such topic among ${topics.join(', ')}`, { retriable: false, cause: error });
      }
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw busClosed();
  }
}

/** A Kafka bus; nothing connects until the first call. */
export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  return new KafkaBus(options);
}
