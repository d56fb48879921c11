import type { QueuedTimeout } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { WireError } from '../errors.js';
import type { Exchange, HeaderMap } from '../http/exchange.js';
import type { ResponseMode } from '../http/media.js';
import { SseStream } from '../http/sse-stream.js';
import { errorResponse } from '../jsonrpc/error-response.js';
import type { Flight } from '../replies/pending-requests.js';
import { respondError } from './respond.js';
import { recordOutcome, type IngressRuntime, type RequestOutcome } from './runtime.js';

/** Extra behaviour of one flight (initialize uses it to keep or drop its session). */
export interface FlightHooks {
  /** Headers of the response, computed when the response starts. */
  headers?: () => HeaderMap;
  /** Called with the terminal reply before it is written. */
  onReply?: (reply: EventOf<'backend.message'>) => void;
  /** Called when the request ends without a reply: timeout, client gone, shutdown or publish failure. */
  onFailure?: () => void;
}

/** What a flight is made of. */
export interface FlightInit {
  rt: IngressRuntime;
  exchange: Exchange;
  mode: ResponseMode;
  requestId: string;
  sessionId: string;
  jsonrpcId: string | number;
  method: string;
  startedAt: number;
  hooks?: FlightHooks;
}

/**
 * One client request from publish to answer. Nothing is written before the request's event is durable; the
 * terminal reply's bytes are written as they are (JSON body, or one SSE event then end); no reply within
 * `requestTimeoutMs` answers -32001. Each flight settles exactly once.
 */
export class RequestFlight implements Flight {
  readonly requestId: string;
  readonly sessionId: string;
  private isPublished = false;
  private settled = false;
  private early: EventOf<'backend.message'> | null = null;
  private readonly earlyRelays: Uint8Array[] = [];
  private stream: SseStream | null = null;
  private timeout: QueuedTimeout | null = null;
  private readonly hooks: FlightHooks;

  constructor(private readonly init: FlightInit) {
    this.requestId = init.requestId;
    this.sessionId = init.sessionId;
    this.hooks = init.hooks ?? {};
  }

  /** Starts waiting for the reply (before publishing, so no reply can be missed) and watches the client. */
  begin(): void {
    this.init.rt.pending.add(this);
    this.timeout = this.init.rt.requestTimeouts.add(() => this.fail('timeout', new WireError('SLUICE_INGRESS_REQUEST_TIMEOUT', 'Request timed out')));
    this.init.exchange.onAbort(() => {
      if (this.settle('aborted')) this.hooks.onFailure?.();
    });
  }

  /** The request's event is durable: the response may start. */
  published(): void {
    this.isPublished = true;
    if (this.settled) return;
    if (this.init.mode === 'sse') this.openStream();
    for (const message of this.earlyRelays.splice(0)) this.stream?.send(message);
    if (this.early) this.complete(this.early);
  }

  /** The request could not be stored: answer with `error`, nothing was accepted. */
  refuse(error: WireError): void {
    if (!this.settle('unavailable')) return;
    this.hooks.onFailure?.();
    respondError(this.init.exchange, error, { id: this.init.jsonrpcId });
  }

  complete(reply: EventOf<'backend.message'>): void {
    if (this.settled) return;
    if (!this.isPublished) {
      this.early = reply;
      return;
    }
    this.settle(reply.body.outcome ?? 'ok');
    this.hooks.onReply?.(reply);
    this.write(reply.message ?? errorResponse(this.init.jsonrpcId, -32603, 'Internal error: the reply carried no message'));
  }

  relay(message: Uint8Array): boolean {
    if (this.init.mode !== 'sse' || this.settled) return false;
    if (this.isPublished) this.stream?.send(message);
    else this.earlyRelays.push(message);
    return true;
  }

  abandon(): void {
    this.fail('shutdown', new WireError('SLUICE_INGRESS_SHUTTING_DOWN', 'gateway shutting down'));
  }

  private fail(outcome: RequestOutcome, error: WireError): void {
    if (!this.settle(outcome)) return;
    this.hooks.onFailure?.();
    this.write(errorResponse(this.init.jsonrpcId, error.jsonRpcCode, error.message));
  }

  private write(message: Uint8Array): void {
    if (this.init.mode === 'json') {
      this.init.exchange.respond(200, { 'Content-Type': 'application/json', ...this.hooks.headers?.() }, message);
      return;
    }
    const stream = this.stream ?? this.openStream();
    stream.send(message);
    stream.end();
  }

  private openStream(): SseStream {
    this.stream = new SseStream(this.init.exchange, this.init.rt.streamOptions);
    this.stream.open(this.hooks.headers?.());
    return this.stream;
  }

  /** Ends the wait exactly once and counts the outcome; false when it had already ended. */
  private settle(outcome: RequestOutcome): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.timeout?.cancel();
    this.init.rt.pending.remove(this.requestId);
    recordOutcome(this.init.rt, this.init.method, outcome, this.init.startedAt);
    return true;
  }
}
