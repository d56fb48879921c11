import { childTrace, parseTraceparent, type EnvelopeInit } from '@sluice/core';
import type { RequestHead } from '../http/exchange.js';
import type { Session } from '../sessions/session-store.js';
import type { IngressRuntime } from './runtime.js';

/** The trace headers of a request. */
export type TraceHeaders = Pick<RequestHead, 'traceparent' | 'tracestate'>;

/** Longest `tracestate` carried on events (W3C Trace Context asks vendors to propagate at least 512 characters). */
export const MAX_TRACESTATE_CHARS = 512;

const TRACESTATE = /^[\t\x20-\x7e]*$/;

/**
 * Envelope fields for the events of one HTTP request: the tenant and principal (user, agent, roles, scopes, environment,
 * how it authenticated and the token's id) the session was authenticated as — without authentication the configured
 * tenant and environment and `clientInfo.name` as agent —, this node
 * and its reply partition, and the caller's trace continued with a new span (or a new trace). A `tracestate` longer than
 * {@link MAX_TRACESTATE_CHARS} or with characters outside printable ASCII is dropped, as W3C Trace Context allows.
 */
export function envelopeFor(rt: IngressRuntime, session: Session, head: TraceHeaders | null): EnvelopeInit {
  const { principal } = session;
  const trace = childTrace(parseTraceparent(head?.traceparent), carriedTracestate(head?.tracestate ?? null));
  return {
    tenant: principal?.tenant ?? rt.config.tenant,
    principal: principal
      ? {
          user: principal.user,
          agent: principal.agent,
          roles: [...principal.roles],
          scopes: [...principal.scopes],
          environment: principal.environment,
          authMethod: principal.authMethod,
          tokenId: principal.tokenId,
        }
      : { user: null, agent: session.clientName, roles: [], environment: rt.config.environment, authMethod: 'none' },
    sessionId: session.id,
    ingressNode: rt.nodeId,
    replyPartition: rt.replySlot,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}

function carriedTracestate(value: string | null): string | null {
  return value !== null && value.length <= MAX_TRACESTATE_CHARS && TRACESTATE.test(value) ? value : null;
}
