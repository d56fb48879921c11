import type { EachBatchPayload, Kafka } from 'kafkajs';
import { BULK_FETCH, isPending, type BatchHandler, type SubscribeOptions, type Subscription } from '../types.js';
import { PartitionAssigners } from './client.js';
import { toBusError } from './kafka-errors.js';
import { OffsetCommitter } from './offset-committer.js';
import type { ResolvedKafkaBusOptions } from './options.js';
import { toBusRecord } from './records.js';
import { staticPartitionAssigner } from './static-assigner.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

type Settings = Pick<
  ResolvedKafkaBusOptions,
  'maxWaitMs' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'partitionsConsumedConcurrently' | 'commitIntervalMs' | 'logger'
>;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one member of a consumer group. Each batch (one partition's records, in order) goes to the handler; its
 * offsets are committed only after the handler resolves (and the `Pending` it left, if any, settles), in the
 * background (OffsetCommitter), so the next fetch does not wait for a commit round trip; stopping commits what was
 * handled. When the handler throws (or its `Pending` rejects), nothing is committed, the partition pauses with a
 * growing delay (other partitions keep flowing), and the same records come again.
 * Resolves once the member has joined the group and fixed its start offsets, so records produced afterwards
 * are seen even when `fromBeginning` is false.
 */
export async function startGroupConsumer(
  kafka: Kafka,
  options: SubscribeOptions,
  handler: BatchHandler,
  settings: Settings,
): Promise<Subscription> {
  const { logger } = settings;
  const consumer = kafka.consumer({
    groupId: options.group,
    partitionAssigners: options.partitions ? [staticPartitionAssigner(options.partitions)] : [PartitionAssigners.roundRobin],
    ...(options.bulk ? { minBytes: BULK_FETCH.minBytes, maxWaitTimeInMs: Math.max(settings.maxWaitMs, BULK_FETCH.maxWaitMs) } : { maxWaitTimeInMs: settings.maxWaitMs }),
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    allowAutoTopicCreation: false,
  });
  const failures = new Map<string, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  const committer = new OffsetCommitter(settings.commitIntervalMs, (error, request, attempt) => {
    const fields = { group: options.group, offsets: request.topics, attempt, error: describe(error) };
    logger(attempt > 3 ? 'warn' : 'debug', 'offset commit failed; retrying', fields);
  });
  let stopping = false;

  const eachBatch = async ({ batch, resolveOffset, heartbeat, pause, commitOffsetsIfNecessary }: EachBatchPayload) => {
    const { topic, partition } = batch;
    const slot = `${topic}:${partition}`;
    const records = batch.messages.map((message) => toBusRecord(topic, partition, message));
    // A long handler must not cost the membership: keep heartbeating while it runs.
    const beat = setInterval(() => heartbeat().catch(() => {}), settings.heartbeatIntervalMs);
    try {
      const result = await handler(records);
      // The client fetches this partition again once the batch is resolved and reads on from the committed offsets
      // after a rebalance, so a batch left pending is waited for here rather than handed over with the next.
      if (isPending(result)) await result.settled;
    } catch (error) {
      const attempt = (failures.get(slot) ?? 0) + 1;
      failures.set(slot, attempt);
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
      logger('warn', 'batch handler failed; its records will be delivered again', {
        group: options.group,
        topic,
        partition,
        firstOffset: batch.firstOffset(),
        attempt,
        retryInMs: delay,
        error: describe(error),
      });
      const resume = pause();
      const timer = setTimeout(() => {
        resumeTimers.delete(timer);
        resume();
      }, delay);
      resumeTimers.add(timer);
      return;
    } finally {
      clearInterval(beat);
    }
    failures.delete(slot);
    resolveOffset(batch.lastOffset());
    committer.mark(commitOffsetsIfNecessary, topic, partition, (BigInt(batch.lastOffset()) + 1n).toString());
    // A member that is leaving commits before the client leaves the group (it waits for this batch first).
    if (stopping) await committer.flush().catch(() => {});
  };

  let joined = false;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const listeners = [
    // Best effort before the client rejoins: a commit sent ahead of its JoinGroup still counts for the old generation.
    consumer.on(consumer.events.REBALANCING, () => {
      committer.flush().catch(() => {});
    }),
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      joined = true;
      // The client reads on from the committed offsets now; marks of the old generation are void.
      committer.reset();
      logger('debug', 'consumer joined its group', { group: options.group, assignment: event.payload.memberAssignment });
    }),
    // kafkajs fixes the start offsets of every assigned partition before its first fetch after a join.
    consumer.on(consumer.events.FETCH, () => {
      if (joined) settle?.resolve();
    }),
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      // A retriable failure (e.g. the group coordinator still loading on a fresh broker) is retried by the
      // client itself; only a crash it will not restart from fails the subscription.
      if (!restart) settle?.reject(error);
      const message = restart ? 'consumer crashed; restarting' : 'consumer crashed and stopped';
      logger(restart ? 'warn' : 'error', message, { group: options.group, error: describe(error) });
    }),
  ];

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      // Commit what was handled while the member still belongs to its group (a commit that reached the broker
      // after the client's LeaveGroup would be refused); a batch still being handled commits itself in eachBatch,
      // which the client waits for before it leaves.
      await committer.flush().catch((error: unknown) => {
        logger('warn', 'final offset commit failed; its records will be delivered again', { group: options.group, error: describe(error) });
      });
      await consumer.disconnect();
      committer.close();
      for (const remove of listeners) remove();
    })();
    return stopped;
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      eachBatch,
    });
    await ready;
  } catch (error) {
    await stop().catch(() => {});
    throw toBusError(error, `subscribe to ${options.topics.join(', ')} as group ${options.group}`);
  }
  settle = undefined;
  return { stop };
}
