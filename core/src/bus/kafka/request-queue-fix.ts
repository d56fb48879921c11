import { createRequire } from 'node:module';

/** The parts of the Kafka client's per-connection request queue that the fix relies on. */
interface RequestQueueInternals {
  pending?: unknown;
  throttledUntil?: unknown;
  scheduleCheckPendingRequests(this: RequestQueueInternals): void;
}

const FIXED = Symbol.for('sluice.kafkajs.requestQueueFix');

/**
 * Stops the Kafka client (kafkajs 2.2.x) from re-arming a 1 ms timer, for as long as a connection lives, after
 * its first response: `scheduleCheckPendingRequests` schedules a check of the pending queue even when that queue
 * is empty and no throttling is in force, and the check schedules the next one (tulios/kafkajs#1556, #1704; the
 * fixes proposed there were never released). Every connection of every client then wakes its process about a
 * thousand times a second, which costs CPU even when nothing happens, and on a busy core delays real work.
 *
 * The replacement returns early only in that case; whenever a request waits in the queue or the broker asked
 * for throttling, the client's own method runs as before. A request can only enter the queue through `push`,
 * which schedules its check itself. Applied once per process; returns false, changing nothing, when the client's
 * internals are not the expected ones.
 */
export function applyRequestQueueFix(): boolean {
  let RequestQueue: { prototype: RequestQueueInternals & { [FIXED]?: true } } | undefined;
  try {
    RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as typeof RequestQueue;
  } catch {
    return false;
  }
  const proto = RequestQueue?.prototype;
  if (!proto || typeof proto.scheduleCheckPendingRequests !== 'function') return false;
  if (proto[FIXED]) return true;
  const original = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    const idle = Array.isArray(this.pending) && this.pending.length === 0;
    const throttled = typeof this.throttledUntil === 'number' && this.throttledUntil > Date.now();
    if (idle && !throttled) return;
    original.call(this);
  };
  proto[FIXED] = true;
  return true;
}
