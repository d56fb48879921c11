import { newEvent } from '@sluice/core';
import type { Session } from '../sessions/session-store.js';
import { envelopeFor, type TraceHeaders } from './envelope.js';
import type { IngressRuntime } from './runtime.js';

/** Stores `session.closed` for a session; resolves once it is durable. */
export async function recordSessionClosed(rt: IngressRuntime, session: Session, reason: string, head: TraceHeaders | null): Promise<void> {
  await rt.events.publish('sessions', [newEvent('session.closed', { reason }, envelopeFor(rt, session, head))]);
}
