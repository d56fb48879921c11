import type { ConsumedEvent, Logger } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import type { SessionStore } from '../sessions/session-store.js';
import type { PendingRequests } from './pending-requests.js';

/** Where replies go. */
export interface ReplyTargets {
  pending: PendingRequests;
  sessions: SessionStore;
  logger: Logger;
}

/**
 * Handles a batch of this node's reply partition. A terminal reply answers the pending request with its id; a
 * non-terminal one goes to its request's SSE response if that is open, else to its session's GET stream.
 * Anything for a request or session this node does not hold (another node sharing the partition, or a client
 * that left) is dropped; a reply whose session does not match its request's is dropped and logged.
 */
export function createReplyHandler(targets: ReplyTargets): (batch: ConsumedEvent[]) => Promise<void> {
  return async (batch) => {
    for (const { event } of batch) {
      if (event.type === 'backend.message') routeReply(targets, event);
    }
  };
}

function routeReply(targets: ReplyTargets, reply: EventOf<'backend.message'>): void {
  const flight = reply.requestId === null ? undefined : targets.pending.get(reply.requestId);
  if (flight && flight.sessionId !== reply.sessionId) {
    targets.logger.warn({ requestId: reply.requestId, eventId: reply.id }, 'dropping a reply whose session does not match its request');
    return;
  }
  if (reply.body.terminal) {
    flight?.complete(reply);
    return;
  }
  if (reply.message === null || flight?.relay(reply.message)) return;
  const stream = reply.sessionId === null ? null : targets.sessions.get(reply.sessionId)?.stream;
  if (stream?.isOpen) stream.send(reply.message);
}
