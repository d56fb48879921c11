import type { Admin } from 'kafkajs';
import { SluiceError } from '../../errors.js';
import type { TopicSpec } from '../types.js';
import { ConfigResourceTypes } from './client.js';
import { isUnknownTopic, toBusError } from './kafka-errors.js';
import type { KafkaBusLogger } from './options.js';

const unknownTopic = (message: string, cause?: unknown): SluiceError =>
  new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', message, { retriable: false, cause });

/**
 * How long `create` waits for the broker to list topics that exist. A process that finds a topic already created
 * (by another starting at the same time) is not told when it is ready, and a broker serves a new topic's metadata
 * a moment after creating it: longer when its core is busy, as when every role of a cluster starts at once.
 */
export const CREATED_TOPIC_WAIT_MS = 10_000;
const CREATED_TOPIC_POLL_MS = 100;

/**
 * Topic administration for the Kafka bus: creation, metadata and settings, with a cache of the partition
 * counts seen so that producing and subscribing check topics without a round trip each time.
 */
export class TopicAdmin {
  private readonly counts = new Map<string, number>();
  /** Look-ups in flight, shared by the calls that wait for the same topic. */
  private readonly lookups = new Map<string, Promise<void>>();
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly logger: KafkaBusLogger,
    private readonly createdTopicWaitMs = CREATED_TOPIC_WAIT_MS,
  ) {}

  /**
   * Creates the topics that do not exist and waits until the broker lists them all (up to `createdTopicWaitMs`);
   * warns when an existing one has another partition count.
   */
  async create(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    try {
      await this.connect();
      try {
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
      } catch (error) {
        // The client waits for the new topics' leaders and gives up with this error when the broker is slow to
        // list them: they exist, so wait for them below.
        if (!isUnknownTopic(error)) throw error;
      }
      await this.fetchCreated(specs.map((s) => s.topic));
    } catch (error) {
      throw toBusError(error, `create topics ${specs.map((s) => s.topic).join(', ')}`);
    }
    for (const spec of specs) {
      const actual = this.counts.get(spec.topic);
      if (actual !== spec.partitions) {
        const fields = { topic: spec.topic, declared: spec.partitions, actual };
        this.logger('warn', 'topic exists with another partition count than declared', fields);
      }
    }
  }

  /** The topic's partition count, asked of the broker now. */
  async partitionCount(topic: string): Promise<number> {
    try {
      await this.connect();
      await this.fetch([topic]);
    } catch (error) {
      throw toBusError(error, `partition count of ${topic}`);
    }
    return this.counts.get(topic)!;
  }

  /** Partition counts of topics, from the cache when known; rejects with SLUICE_BUS_UNKNOWN_TOPIC if one is missing. */
  async knownPartitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const missing = topics.filter((t) => !this.counts.has(t));
    if (missing.length > 0) {
      const fresh = missing.filter((t) => !this.lookups.has(t));
      if (fresh.length > 0) {
        const lookup = (async () => {
          try {
            await this.connect();
            await this.fetch(fresh);
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
    return new Map(topics.map((t) => [t, this.counts.get(t)!]));
  }

  /** Rejects unless each partition exists in each topic. */
  async assertPartitions(topics: readonly string[], partitions: readonly number[]): Promise<void> {
    const counts = await this.knownPartitionCounts(topics);
    for (const topic of topics) {
      const missing = partitions.filter((p) => !Number.isInteger(p) || p < 0 || p >= counts.get(topic)!);
      if (missing.length > 0) throw unknownTopic(`topic ${topic} has no partition ${missing.join(', ')}`);
    }
  }

  /** The topic's settings (all, or the named ones), as the broker reports them. */
  async describeConfig(topic: string, names?: readonly string[]): Promise<Record<string, string>> {
    try {
      await this.connect();
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

  async close(): Promise<void> {
    await this.admin.disconnect();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.admin.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** {@link fetch} for topics that exist now, asking again while the broker does not list them yet. */
  private async fetchCreated(topics: readonly string[]): Promise<void> {
    const until = Date.now() + this.createdTopicWaitMs;
    for (;;) {
      try {
        return await this.fetch(topics);
      } catch (error) {
        if (!(error instanceof SluiceError && error.code === 'SLUICE_BUS_UNKNOWN_TOPIC') || Date.now() >= until) throw error;
        await new Promise((resolve) => setTimeout(resolve, CREATED_TOPIC_POLL_MS));
      }
    }
  }

  private async fetch(topics: readonly string[]): Promise<void> {
    try {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
      for (const { name, partitions } of metadata.topics) this.counts.set(name, partitions.length);
    } catch (error) {
      if (isUnknownTopic(error)) throw unknownTopic(`no such topic among ${topics.join(', ')}`, error);
      throw error;
    }
  }
}
