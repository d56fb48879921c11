import type { ConsumedEvent, Pending } from '@sluice/core';
import { handleDecision, type DecisionDeps } from './handle-decision.js';

/**
 * The handler for batches of the `decisions` topic. The decisions of a batch (one partition, in order) are
 * answered concurrently, each reply published as soon as it is ready, within the shared semaphore's bound. The
 * handler resolves once every request of the batch holds a slot of the semaphore (so a full semaphore holds the
 * partition back), leaving the batch pending: the bus goes on with the partition's next batch while these calls
 * run, and commits the batch only once every request in it is answered. So a slow call does not hold back the
 * later decisions of its partition (the sessions hashed to it) where the bus hands batches over so (in memory);
 * the Kafka bus waits for the batch before fetching the partition again, and there the slowest call of a batch
 * (up to its server's timeoutMs) still holds back the partition.
 *
 * If any reply cannot be published, the batch's pending state rejects after the others finish and the batch is
 * delivered again from its first decision (at-least-once: requests already answered in it, and in the batches
 * after it, are answered again).
 */
export function createDecisionBatchHandler(deps: DecisionDeps): (batch: ConsumedEvent[]) => Promise<Pending> {
  return async (batch) => {
    const handling = [];
    for (const { event } of batch) if (event.type === 'policy.decision') handling.push(handleDecision(deps, event));
    // A batch of one decision is the common case: its own promises, without the combinators around them.
    if (handling.length === 1) {
      const only = handling[0]!;
      await only.started;
      return { settled: only.done };
    }
    await Promise.all(handling.map((h) => h.started));
    return { settled: allAnswered(handling.map((h) => h.done)) };
  };
}

async function allAnswered(done: readonly Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(done);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
}
