import { describe, expect, it } from 'vitest';
import { TopicAdmin } from '../../src/bus/kafka/topic-admin.js';

/** The Kafka client's admin, as TopicAdmin takes it (the client itself stays behind core/src/bus/kafka/). */
type Admin = ConstructorParameters<typeof TopicAdmin>[0];

/** The error kafkajs raises for a topic the broker does not list. */
const unknownTopicError = (): Error => Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });

/**
 * An admin client whose topics already exist (as when another process created them a moment ago), and whose
 * broker lists them only from its `listAfter`-th metadata request on; `createFails` makes creating them end in the
 * error the client gives when it stops waiting for their leaders.
 */
function fakeAdmin(listAfter: number, createFails = false): { admin: Admin; metadataRequests: () => number } {
  let requests = 0;
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    createTopics: async () => {
      // kafkajs, having created the topics, gives up waiting for their leaders with this error.
      if (createFails) throw Object.assign(new Error('KafkaJSNumberOfRetriesExceeded'), { originalError: unknownTopicError() });
      return false;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      requests++;
      if (requests < listAfter) throw unknownTopicError();
      return { topics: topics.map((name) => ({ name, partitions: Array.from({ length: 3 }, (_, i) => ({ partitionId: i })) })) };
    },
  } as unknown as Admin;
  return { admin, metadataRequests: () => requests };
}

const spec = { topic: 't', partitions: 3, retentionMs: 60_000, compacted: false };

describe('TopicAdmin', () => {
  it('waits for topics created by another process until the broker lists them', async () => {
    const { admin, metadataRequests } = fakeAdmin(3);
    const topics = new TopicAdmin(admin, () => {}, 5_000);
    await topics.create([spec]);
    expect(metadataRequests()).toBe(3);
    expect(await topics.knownPartitionCounts(['t'])).toEqual(new Map([['t', 3]]));
  });

  it('waits for topics it created when the client gave up waiting for their leaders', async () => {
    const { admin, metadataRequests } = fakeAdmin(2, true);
    const topics = new TopicAdmin(admin, () => {}, 5_000);
    await topics.create([spec]);
    expect(metadataRequests()).toBe(2);
    expect(await topics.knownPartitionCounts(['t'])).toEqual(new Map([['t', 3]]));
  });

  it('gives up with SLUICE_BUS_UNKNOWN_TOPIC when the broker never lists them', async () => {
    const { admin, metadataRequests } = fakeAdmin(Number.POSITIVE_INFINITY);
    const topics = new TopicAdmin(admin, () => {}, 250);
    await expect(topics.create([spec])).rejects.toMatchObject({ code: 'SLUICE_BUS_UNKNOWN_TOPIC', message: expect.stringContaining('no such topic among t') });
    expect(metadataRequests()).toBeGreaterThan(1);
  });

  it('does not wait for a topic that is only looked up', async () => {
    const { admin, metadataRequests } = fakeAdmin(Number.POSITIVE_INFINITY);
    const topics = new TopicAdmin(admin, () => {}, 5_000);
    await expect(topics.partitionCount('t')).rejects.toMatchObject({ code: 'SLUICE_BUS_UNKNOWN_TOPIC' });
    expect(metadataRequests()).toBe(1);
  });
});
