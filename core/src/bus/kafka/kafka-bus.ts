import type { Kafka as KafkaClient, Producer } from 'kafkajs';
import { SluiceError } from '../../errors.js';
import { encodedRecord, type BatchHandler, type Bus, type EncodedRecord, type ProduceRecord, type SubscribeOptions, type Subscription, type TopicSpec } from '../types.js';
import { Kafka, Partitioners } from './client.js';
import { startGroupConsumer } from './group-consumer.js';
import { BUS_BROKER_ERROR, busClosed, toBusError } from './kafka-errors.js';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log.js';
import { resolveKafkaBusOptions, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './options.js';
import { ProduceBatcher } from './produce-batcher.js';
import { toTopicMessages } from './records.js';
import { applyRequestQueueFix } from './request-queue-fix.js';
import { TopicAdmin } from './topic-admin.js';

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
  private producerConnecting: Promise<void> | undefined;
  private readonly topics: TopicAdmin;
  private readonly batcher: ProduceBatcher;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  get concurrentBatches(): number {
    return this.options.partitionsConsumedConcurrently;
  }

  constructor(options: KafkaBusOptions) {
    this.options = resolveKafkaBusOptions(options);
    applyRequestQueueFix();
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
    this.topics = new TopicAdmin(this.kafka.admin(), this.options.logger);
    const { produceTimeoutMs } = this.options;
    this.batcher = new ProduceBatcher((records) => this.send(records), {
      maxRecords: this.options.maxBatchRecords,
      maxBytes: this.options.maxBatchBytes,
      timeoutMs: produceTimeoutMs,
      timeoutError: () =>
        new SluiceError(BUS_BROKER_ERROR, `produce: not acknowledged within ${produceTimeoutMs} ms; the records may or may not be stored`, {
          retriable: true,
        }),
    });
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    await this.topics.create(specs);
  }

  async partitionCount(topic: string): Promise<number> {
    this.assertOpen();
    return this.topics.partitionCount(topic);
  }

  /** The topic's current settings (all of them, or the named ones), as the broker reports them. */
  async describeTopicConfig(topic: string, names?: readonly string[]): Promise<Record<string, string>> {
    this.assertOpen();
    return this.topics.describeConfig(topic, names);
  }

  async produce(records: readonly ProduceRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    // The client would retry an unknown topic or partition until the produce timeout; fail fast instead.
    const counts = await this.topics.knownPartitionCounts([...new Set(records.map((r) => r.topic))]);
    for (const record of records) {
      const partition = record.partition;
      if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < counts.get(record.topic)!)) {
        throw new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', `topic ${record.topic} has no partition ${partition}`, { retriable: false });
      }
    }
    await this.batcher.add(records.map(encodedRecord));
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    await this.topics.assertPartitions(options.topics, options.partitions ?? []);
    const subscription = await startGroupConsumer(this.kafka, options, handler, this.options);
    if (this.closed) {
      await subscription.stop();
      throw busClosed();
    }
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
    // Records already accepted get their chance to be stored, but a broker that is gone cannot hold close up.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.produceTimeoutMs)));
    await Promise.race([this.batcher.flush(), giveUp]);
    clearTimeout(timer);
    await Promise.allSettled([this.producer.disconnect(), this.topics.close()]);
  }

  private async send(records: readonly EncodedRecord[]): Promise<void> {
    try {
      this.producerConnecting ??= this.producer.connect().catch((error: unknown) => {
        this.producerConnecting = undefined;
        throw error;
      });
      await this.producerConnecting;
      await this.producer.sendBatch({ acks: -1, topicMessages: toTopicMessages(records) });
    } catch (error) {
      throw toBusError(error, 'produce');
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
