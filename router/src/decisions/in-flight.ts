import type { EnvelopeFields } from '@sluice/schemas';
import type { JsonRpcId } from '../methods/json-rpc.js';

/** A request being answered; `end()` once its reply is out. */
export interface InFlightRequest {
  readonly signal: AbortSignal;
  /** Aborts `signal` (a timeout of the call does, through the backend). */
  abort(reason: unknown): void;
  end(): void;
}

/**
 * The requests this router is answering, so `notifications/cancelled` can abort one and `stop()` can abort
 * them all. A request is known by tenant, session and JSON-RPC id; requests without a session cannot be
 * cancelled, since their ids are not unique to one client.
 */
export class InFlightRequests {
  private readonly byKey = new Map<string, Set<AbortController>>();
  private readonly all = new Set<AbortController>();

  /** Number of requests being answered. */
  get size(): number {
    return this.all.size;
  }

  /** Records a request; synchronous, so a cancellation handled right after finds it. */
  begin(envelope: EnvelopeFields, id: JsonRpcId): InFlightRequest {
    const controller = new AbortController();
    const key = keyOf(envelope, id);
    this.all.add(controller);
    if (key !== null) {
      const set = this.byKey.get(key) ?? new Set();
      set.add(controller);
      this.byKey.set(key, set);
    }
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      end: () => {
        this.all.delete(controller);
        const set = key === null ? undefined : this.byKey.get(key);
        set?.delete(controller);
        if (key !== null && set?.size === 0) this.byKey.delete(key);
      },
    };
  }

  /** Aborts the request `id` of the envelope's session; false when none is in flight. */
  cancel(envelope: EnvelopeFields, id: JsonRpcId, reason: unknown): boolean {
    const key = keyOf(envelope, id);
    const set = key === null ? undefined : this.byKey.get(key);
    if (!set) return false;
    for (const controller of set) controller.abort(reason);
    return true;
  }

  /** Aborts every request in flight. */
  abortAll(reason: unknown): void {
    for (const controller of this.all) controller.abort(reason);
  }
}

function keyOf(envelope: EnvelopeFields, id: JsonRpcId): string | null {
  if (envelope.sessionId === null) return null;
  return JSON.stringify([envelope.tenant, envelope.sessionId, id]);
}
