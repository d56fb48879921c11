import { TextDecoder } from 'node:util';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';

/** A JSON-RPC response as received. */
export interface JsonRpcAnswer {
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** A transport-level failure: the request may not have reached the server, or its answer was lost. */
export class HttpCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | null,
    /** The server's `WWW-Authenticate` challenge of a 401, if any. */
    readonly challenge: string | null = null,
  ) {
    super(message);
    this.name = 'HttpCallError';
  }
}

/** What one POST waits for: the response to `id`, and how to settle. */
export interface AnswerWait {
  id: string;
  /** Aborting ends the request; the call then rejects with the signal's reason. */
  signal: AbortSignal;
  /** The request carried a session id (a 404 then means the session is gone). */
  inSession: boolean;
  resolve: (answer: JsonRpcAnswer) => void;
  reject: (error: unknown) => void;
}

type BodyKind = 'json' | 'sse' | 'refused' | 'other';

/**
 * The undici dispatch handler of one POST of a JSON-RPC request: reads the response to the request from a JSON
 * body or from the POST's SSE stream (skipping other messages), straight from the connection's chunks. Cheaper
 * than `pool.request`, whose body is a Readable stream run through async resources for every call; failures are
 * the same: a non-2xx status, a body that is not JSON, a stream that ends unanswered or another content type
 * reject with {@link HttpCallError}, as does a request that cannot be delivered; an error while reading an
 * answer rejects as the client raised it; an abort rejects with the signal's reason.
 */
export class AnswerHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private kind: BodyKind = 'other';
  private contentType = '';
  private challenge: string | null = null;
  private chunks: Buffer[] = [];
  private parser: EventSourceParser | null = null;
  private decoder: TextDecoder | null = null;
  private settled = false;
  private readonly onAbort = (): void => this.controller?.abort(this.wait.signal.reason);

  constructor(private readonly wait: AnswerWait) {
    wait.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.wait.signal.aborted) controller.abort(this.wait.signal.reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // Informational answers (1xx) come before the response proper.
    if (statusCode < 200) return;
    this.status = statusCode;
    const type = headers['content-type'];
    this.contentType = String(type ?? '');
    if (statusCode === 401) this.challenge = headerText(headers['www-authenticate']);
    if (statusCode > 299) this.kind = 'refused';
    else if (this.contentType.startsWith('text/event-stream')) this.startStream();
    else if (this.contentType.startsWith('application/json')) this.kind = 'json';
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.kind === 'json' || this.kind === 'refused') this.chunks.push(chunk);
    else if (this.parser && this.decoder) this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    // Found the answer (or a bad event) on the stream: stop reading it, as the server sees the stream closed.
    if (this.settled) controller.abort(new Error('answer read'));
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const text = (): string => Buffer.concat(this.chunks).toString('utf8');
    switch (this.kind) {
      case 'json':
        this.answerFromJson(text());
        return;
      case 'sse':
        this.fail(new HttpCallError('the server closed the event stream without answering', 200));
        return;
      case 'refused':
        this.fail(this.refusal(text()));
        return;
      default:
        this.fail(new HttpCallError(`the server answered with content type ${this.contentType || 'none'}`, this.status));
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    if (this.wait.signal.aborted) this.fail(this.wait.signal.reason);
    else if (this.status === 0) this.fail(new HttpCallError(`cannot reach the server: ${error.message}`, null));
    else if (this.kind === 'refused') this.fail(this.refusal(''));
    else if (this.kind === 'other') this.fail(new HttpCallError(`the server answered with content type ${this.contentType || 'none'}`, this.status));
    else this.fail(error);
  }

  private startStream(): void {
    this.kind = 'sse';
    this.decoder = new TextDecoder();
    this.parser = createParser({
      onEvent: (event) => {
        if (this.settled || (event.event !== undefined && event.event !== 'message')) return;
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          this.fail(new HttpCallError('the server sent an event that is not JSON', 200));
          return;
        }
        if (isAnswerTo(message, this.wait.id)) this.succeed(message);
      },
    });
  }

  private answerFromJson(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.fail(new HttpCallError('the server answered with a body that is not JSON', 200));
      return;
    }
    const candidates = Array.isArray(message) ? message : [message];
    const answer = candidates.find((m) => isAnswerTo(m, this.wait.id));
    if (answer) this.succeed(answer as JsonRpcAnswer);
    else this.fail(new HttpCallError('the server answered without a response to the request', 200));
  }

  private refusal(text: string): HttpCallError {
    const detail = this.status === 404 && this.wait.inSession ? 'the session is gone' : text.slice(0, 200) || 'no body';
    return new HttpCallError(`the server answered HTTP ${this.status}: ${detail}`, this.status, this.challenge);
  }

  private succeed(answer: JsonRpcAnswer): void {
    if (this.settle()) this.wait.resolve(answer);
  }

  private fail(error: unknown): void {
    if (this.settle()) this.wait.reject(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.chunks = [];
    this.wait.signal.removeEventListener('abort', this.onAbort);
    return true;
  }
}

function isAnswerTo(message: unknown, id: string): message is JsonRpcAnswer {
  return typeof message === 'object' && message !== null && (message as { id?: unknown }).id === id && ('result' in message || 'error' in message);
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
