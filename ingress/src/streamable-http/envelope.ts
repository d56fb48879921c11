import { childTrace, parseTraceparent, type EnvelopeInit } from '@sluice/core';
import type { RequestHead } from '../http/exchange.js';
import type { Session } from '../sessions/session-store.js';

/** The trace headers of a request. */
export type TraceHeaders = Pick<RequestHead, 'traceparent' | 'tracestate'>;
import type { IngressRuntime } from './runtime.js';

/**
 * Envelope fields for the events of one HTTP request: tenant, the session's agent, this node and its reply
 * partition, and the caller's trace continued with a new span (or a new trace).
 */
export function envelopeFor(rt: IngressRuntime, session: Session, head: TraceHeaders | null): EnvelopeInit {
  const trace = childTrace(parseTraceparent(head?.traceparent), head?.tracestate ?? null);
  return {
    tenant: rt.config.tenant,
    principal: { user: null, agent: session.clientName, roles: [] },
    sessionId: session.id,
    ingressNode: rt.nodeId,
    replyPartition: rt.replySlot,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}
