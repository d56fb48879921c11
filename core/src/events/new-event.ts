import { CURRENT_SCHEMA_VERSION, type EnvelopeFields, type EventBodies, type EventOf, type EventType } from '@sluice/schemas';
import { uuidv7 } from '../ids.js';
import { toPrincipal, type PrincipalInit } from './principal.js';

/** Envelope fields a caller may set; the rest get defaults (the principal's credential fields included). */
export type EnvelopeInit = Partial<Omit<EnvelopeFields, 'id' | 'schemaVersion' | 'principal'>> &
  Pick<EnvelopeFields, 'tenant'> & { principal?: PrincipalInit };

/**
 * A new event of `type` with a fresh sortable id, the current schema version and the time now; a principal left out
 * is nobody, and credential fields left out of one are at their defaults (see {@link toPrincipal}).
 */
export function newEvent<T extends EventType>(type: T, body: EventBodies[T], init: EnvelopeInit): EventOf<T> {
  return {
    id: uuidv7(),
    type,
    schemaVersion: CURRENT_SCHEMA_VERSION[type],
    time: init.time ?? Date.now(),
    tenant: init.tenant,
    principal: toPrincipal(init.principal),
    sessionId: init.sessionId ?? null,
    requestId: init.requestId ?? null,
    ingressNode: init.ingressNode ?? null,
    replyPartition: init.replyPartition ?? null,
    traceparent: init.traceparent ?? null,
    tracestate: init.tracestate ?? null,
    message: init.message ?? null,
    body,
  } as EventOf<T>;
}

/** The envelope fields of `event` to carry over to an event caused by it (a new id and time are given later). */
export function carry(event: EnvelopeFields): EnvelopeInit {
  return {
    tenant: event.tenant,
    principal: event.principal,
    sessionId: event.sessionId,
    requestId: event.requestId,
    ingressNode: event.ingressNode,
    replyPartition: event.replyPartition,
    traceparent: event.traceparent,
    tracestate: event.tracestate,
  };
}
