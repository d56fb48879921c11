import type { ConsumedEvent } from '@sluice/core';
import { handleDecision, type DecisionDeps } from './handle-decision.js';

/**
 * The handler for batches of the `decisions` topic. The decisions of a batch (one partition, in order) are
 * answered concurrently, each reply published as soon as it is ready, within the shared semaphore's bound; the
 * handler resolves once every request of the batch is answered, and only then is the batch committed.
 *
 * Head-of-line effect: the bus hands a partition its next batch only after the handler of the current one has
 * resolved, so the slowest call of a batch (up to its server's timeoutMs) holds back every later decision of
 * that partition, i.e. of every session hashed to it. Other partitions keep flowing. For the same reason a
 * `notifications/cancelled` can only reach a call answered in the same batch.
 *
 * If any reply cannot be published, the handler rejects after the others finish and the whole batch is
 * delivered again (at-least-once: requests already answered in it are answered again).
 */
export function createDecisionBatchHandler(deps: DecisionDeps): (batch: ConsumedEvent[]) => Promise<void> {
  return async (batch) => {
    const handling: Promise<void>[] = [];
    for (const { event } of batch) if (event.type === 'policy.decision') handling.push(handleDecision(deps, event));
    // A batch of one decision is the common case: its own promise, without allSettled around it.
    if (handling.length <= 1) return handling[0];
    const settled = await Promise.allSettled(handling);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  };
}
