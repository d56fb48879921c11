import type { EventOf } from '@sluice/schemas';

/** A client request waiting for its terminal reply. */
export interface Flight {
  readonly requestId: string;
  readonly sessionId: string;
  /** The terminal reply arrived. */
  complete(reply: EventOf<'backend.message'>): void;
  /** A non-terminal message about this request arrived; false when the request's response cannot carry it. */
  relay(message: Uint8Array): boolean;
  /** The node is stopping and the drain is over: answer with an error now. */
  abandon(): void;
}

/** The requests of this node that wait for a reply, by request id. */
export class PendingRequests {
  private readonly flights = new Map<string, Flight>();
  private idleWaiters: Array<() => void> = [];

  /** Starts waiting for `flight`'s reply. */
  add(flight: Flight): void {
    this.flights.set(flight.requestId, flight);
  }

  /** The flight waiting for this request id, if it is one of this node's. */
  get(requestId: string): Flight | undefined {
    return this.flights.get(requestId);
  }

  /** Stops waiting for a request (answered, timed out, or the client left). */
  remove(requestId: string): void {
    this.flights.delete(requestId);
    if (this.flights.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Every flight still waiting. */
  all(): Flight[] {
    return [...this.flights.values()];
  }

  /** Number of flights still waiting. */
  get size(): number {
    return this.flights.size;
  }

  /** Resolves true once nothing is waiting, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.flights.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(wake);
    });
  }
}
