import type { RunningService, ServiceContext, Subscription } from '@sluice/core';
import { TOPICS, type TopicName } from '@sluice/schemas';
import { rowCount, toAuditBatch, type AuditBatch } from './rows/audit-batch.js';
import { BatchWriter } from './sink/batch-writer.js';
import type { AuditStore } from './store/audit-store.js';
import { openAuditStore } from './store/open-audit-store.js';

/** Consumer group of the audit sink: every replica shares it, so each record is stored by one of them. */
export const AUDIT_SINK_GROUP = 'audit-sink';

/**
 * On the in-memory bus, how many batches' worth of rows (`audit.batchMaxRows` each) the writer holds before handlers
 * wait for a write, and the bus keeps further records instead.
 */
const HELD_BATCHES = 2;

/** The topics the sink stores: all of the catalog but the dead-letter topic, whose records no reader can decode. */
export const AUDITED_TOPICS: readonly TopicName[] = TOPICS.map((t) => t.name).filter((name) => name !== 'dead-letter');

/** The running audit sink, with the store it writes to (which also answers the admin endpoint's SQL). */
export type AuditSink = RunningService & { readonly store: AuditStore };

/**
 * Starts the audit sink: consumes every audited topic and stores one `sluice.events` row per event and one
 * `sluice.calls` row per finished client request. Rows of all partitions are written together in batches (by
 * `audit.batchMaxRows` or `audit.batchMaxMs`). On Kafka a partition's offsets are committed only once its rows are
 * stored; on the in-memory bus the sink holds the rows itself and writes them until stored (see `Keep`). Records
 * delivered again are recognised by id and not stored twice. With `audit.kind: off` the sink
 * consumes nothing.
 */
export async function startAuditSink(ctx: ServiceContext): Promise<AuditSink> {
  const store = await openAuditStore(ctx.config.audit, ctx.logger.child({ role: 'audit-sink' }));
  return runAuditSink(ctx, store);
}

/**
 * Runs the audit sink over a store already opened for `ctx.config.audit`; the sink owns the store from then on and
 * closes it when stopped.
 */
export async function runAuditSink(ctx: ServiceContext, store: AuditStore): Promise<AuditSink> {
  const audit = ctx.config.audit;
  const logger = ctx.logger.child({ role: 'audit-sink' });
  if (audit.kind === 'off') {
    logger.info('audit is off: consuming nothing');
    return { name: 'audit-sink', store, ready: () => true, stop: () => store.close() };
  }

  // On the in-memory bus the records live in this process only, like the writer's rows: the writer takes them over
  // and the records go at once. On Kafka, offsets are committed only once the rows are stored.
  const keep = ctx.events.bus.kind === 'memory';
  const writer = new BatchWriter({
    maxRows: audit.batchMaxRows,
    maxMs: audit.batchMaxMs,
    maxWaiters: ctx.events.bus.concurrentBatches,
    keep: keep
      ? {
          maxHeldRows: HELD_BATCHES * audit.batchMaxRows,
          retryMs: audit.batchMaxMs,
          lost: (batch, err) => logger.error({ err, rows: rowCount(batch) }, 'audit rows not stored: the write failed while the sink stopped'),
        }
      : undefined,
    write: async (batch: AuditBatch) => {
      try {
        const stored = await store.write(batch);
        logger.debug(stored, 'audit rows stored');
      } catch (err) {
        const next = keep ? 'the rows will be written again' : 'the records will be delivered again';
        logger.warn({ err, rows: rowCount(batch) }, `audit write failed; ${next}`);
        throw err;
      }
    },
  });

  let subscription: Subscription;
  try {
    subscription = await ctx.events.subscribe({ group: AUDIT_SINK_GROUP, topics: AUDITED_TOPICS, bulk: true }, (consumed) => {
      const batch = toAuditBatch(consumed);
      store.prepare(batch);
      return writer.add(batch);
    });
  } catch (err) {
    writer.close();
    await store.close();
    throw err;
  }

  let running = true;
  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    running = false;
    const unsubscribed = subscription.stop();
    unsubscribed.catch(() => {});
    try {
      // Handlers in flight wait for their rows: write them now rather than at the next timer tick.
      await writer.drain();
      await unsubscribed;
      await writer.drain();
    } finally {
      writer.close();
      await store.close();
    }
    logger.info('audit sink stopped');
  };
  return {
    name: 'audit-sink',
    store,
    ready: () => running,
    stop: () => (stopping ??= stop()),
  };
}
