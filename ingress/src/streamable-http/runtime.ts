import type { EventLog, HostCheck, IngressConfig, Logger, Metrics, Redactor, TimeoutQueue } from '@sluice/core';
import type { Authenticator } from '../auth/authenticator.js';
import type { SseStreamOptions } from '../http/sse-stream.js';
import { methodLabel } from '../jsonrpc/methods.js';
import type { PendingRequests } from '../replies/pending-requests.js';
import type { CreationRate } from '../sessions/creation-rate.js';
import type { SessionStore } from '../sessions/session-store.js';

/** How a client message ended at the ingress, as counted in `sluice_requests_total`. */
export type RequestOutcome =
  | 'ok'
  | 'error'
  | 'denied'
  | 'invalid'
  | 'timeout'
  | 'unknown'
  | 'accepted'
  | 'rejected'
  | 'aborted'
  | 'unavailable'
  | 'shutdown';

/** State shared by the handlers of one ingress node. */
export interface IngressRuntime {
  readonly config: IngressConfig;
  /** Which Host headers the listener accepts. */
  readonly hosts: HostCheck;
  /** The authenticate phase (`ingress.auth`). */
  readonly auth: Authenticator;
  /** Replaces secrets in client messages before they are published; null when `redaction.enabled` is false. */
  readonly redactor: Redactor | null;
  readonly events: EventLog;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly nodeId: string;
  /** The partition of `replies` this node reads; requests carry it so replies come back here. */
  readonly replySlot: number;
  readonly sessions: SessionStore;
  /** How often each owner may open a session (`ingress.sessions.createPerMinute`). */
  readonly creationRate: CreationRate;
  readonly pending: PendingRequests;
  /** The `requestTimeoutMs` of every request waiting for its reply, on one timer. */
  readonly requestTimeouts: TimeoutQueue;
  /** The `writeTimeoutMs` of every response under backpressure, on one timer. */
  readonly writeTimeouts: TimeoutQueue;
  readonly streamOptions: SseStreamOptions;
  /** Set when stop() begins: new messages are refused. */
  stopping: boolean;
}

/** Counts one client message by method and outcome, and its time at the ingress. */
export function recordOutcome(rt: IngressRuntime, method: string | null, outcome: RequestOutcome, startedAt: number): void {
  const label = methodLabel(method);
  const key = `${label}\u0000${outcome}`;
  let meters = outcomeMeters.get(key);
  if (!meters || meters.metrics !== rt.metrics) {
    // A tally, and a bound histogram child: prom-client otherwise hashes the label set on every call.
    meters = { metrics: rt.metrics, count: rt.metrics.requests.tally(label, outcome), time: rt.metrics.requestSeconds.labels(label) };
    outcomeMeters.set(key, meters);
  }
  meters.count.inc();
  meters.time.observe((performance.now() - startedAt) / 1000);
}

interface OutcomeMeters {
  metrics: Metrics;
  count: { inc(): void };
  time: { observe(value: number): void };
}

/** Method labels are bounded (unknown methods share one), and outcomes are a closed list. */
const outcomeMeters = new Map<string, OutcomeMeters>();
