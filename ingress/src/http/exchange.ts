import { STATUS_CODES } from 'node:http';
import type { QueuedTimeout, TimeoutQueue } from '@sluice/core';
import type { UwsChunk, UwsResponse } from '../uws/types.js';

/** The request line and the headers the ingress reads, copied out of the stack-allocated uWS request. */
export interface RequestHead {
  /** Upper-case HTTP method. */
  method: string;
  path: string;
  host: string | null;
  origin: string | null;
  accept: string | null;
  contentType: string | null;
  /** Declared Content-Length; null when absent (chunked) or not a number. */
  contentLength: number | null;
  sessionId: string | null;
  protocolVersion: string | null;
  traceparent: string | null;
  tracestate: string | null;
  /** Credentials: the Authorization and X-API-Key headers (never logged, never stored). */
  authorization: string | null;
  apiKey: string | null;
  /** The client's IP address, as uWS reports it. */
  peer: string;
}

/** Response headers, by name. */
export type HeaderMap = Record<string, string>;

/** Result of reading a request body under a size limit. */
export type BodyResult = { kind: 'body'; bytes: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * One HTTP request and its response. Tracks whether the client went away (`onAborted`), so nothing writes to a
 * dead response, corks every write, and handles backpressure with `tryEnd`/`onWritable`. A response that stays
 * under backpressure for the `writeTimeouts` period (the client does not read) is dropped.
 */
export class Exchange {
  private aborted = false;
  private ended = false;
  private readonly abortListeners: Array<() => void> = [];
  private stalled: QueuedTimeout | null = null;
  private body: Promise<BodyResult> | null = null;

  constructor(
    private readonly res: UwsResponse,
    readonly head: RequestHead,
    private readonly writeTimeouts: TimeoutQueue | null = null,
  ) {
    res.onAborted(() => {
      this.aborted = true;
      this.unblocked();
      for (const listener of this.abortListeners.splice(0)) listener();
    });
  }

  /** True while the response may still be written. */
  get open(): boolean {
    return !this.aborted && !this.ended;
  }

  /** True once the client went away before the response was complete. */
  get wasAborted(): boolean {
    return this.aborted;
  }

  /** Runs `listener` if the client goes away before the response is complete. */
  onAbort(listener: () => void): void {
    if (this.aborted) listener();
    else this.abortListeners.push(listener);
  }

  /**
   * Sends a whole response (no body to HEAD). With `closeConnection` the connection is closed after it and the
   * response is written on the next turn of the event loop: uWS keeps parsing what followed in the same read
   * while a handler runs, and a response still pending when a pipelined request arrives makes it close the
   * connection instead, so nothing after a refused head is ever handled.
   */
  respond(status: number, headers: HeaderMap, body: Uint8Array | string = '', closeConnection = false): void {
    if (!this.open) return;
    this.ended = true;
    const bytes = this.head.method === 'HEAD' ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body) : body;
    if (closeConnection) {
      setImmediate(() => {
        if (!this.aborted) this.res.cork(() => this.writeHead(status, headers).end(bytes, true));
      });
      return;
    }
    this.res.cork(() => {
      this.writeHead(status, headers);
      if (bytes.length === 0) {
        this.res.end(bytes);
        return;
      }
      const start = this.res.getWriteOffset();
      const [ok, done] = this.res.tryEnd(bytes, bytes.length);
      if (!ok && !done) {
        this.blocked();
        this.res.onWritable((offset) => {
          if (this.aborted) return true;
          const [sent] = this.res.tryEnd(bytes.subarray(offset - start), bytes.length);
          if (sent) this.unblocked();
          return sent;
        });
      }
    });
  }

  /** Starts a chunked response with `first` as its first chunk; false on backpressure. */
  startStream(status: number, headers: HeaderMap, first: UwsChunk): boolean {
    if (!this.open) return false;
    let ok = false;
    this.res.cork(() => {
      this.writeHead(status, headers);
      ok = this.res.write(first);
    });
    if (!ok) this.blocked();
    return ok;
  }

  /** Writes a chunk of a started stream; false on backpressure (uWS keeps the chunk) or when closed. */
  write(chunk: UwsChunk): boolean {
    if (!this.open) return false;
    let ok = false;
    this.res.cork(() => {
      ok = this.res.write(chunk);
    });
    if (!ok) this.blocked();
    return ok;
  }

  /** Calls `handler` when the socket drains; it returns whether its own writes went through. */
  onWritable(handler: () => boolean): void {
    if (!this.open) return;
    this.res.onWritable(() => {
      if (this.aborted) return true;
      const drained = handler();
      if (drained) this.unblocked();
      return drained;
    });
  }

  /** Ends a started stream. */
  endStream(): void {
    if (!this.open) return;
    this.ended = true;
    this.unblocked();
    this.res.cork(() => this.res.end());
  }

  /** Drops the connection (a stream the client cannot keep up with). */
  destroy(): void {
    if (this.aborted) return;
    this.ended = true;
    this.unblocked();
    this.res.close();
  }

  /**
   * Reads the body, refusing it once it passes `limit` bytes; call synchronously in the route handler (or before
   * any await). Later calls return the same read, so a phase that awaits can start it and a handler finish it.
   */
  readBody(limit: number): Promise<BodyResult> {
    this.body ??= this.startBody(limit);
    return this.body;
  }

  private startBody(limit: number): Promise<BodyResult> {
    return new Promise((resolve) => {
      if (this.head.contentLength !== null && this.head.contentLength > limit) {
        resolve({ kind: 'too-large' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (result: BodyResult): void => {
        done = true;
        chunks.length = 0;
        resolve(result);
      };
      this.onAbort(() => done || finish({ kind: 'aborted' }));
      this.res.onData((chunk, isLast) => {
        if (done) return;
        size += chunk.byteLength;
        if (size > limit) return finish({ kind: 'too-large' });
        // uWS reuses the chunk's memory after this call returns: copy it.
        const copy = Buffer.copyBytesFrom(new Uint8Array(chunk));
        if (!isLast) chunks.push(copy);
        // A body in one chunk (most are) is that copy; no second one through concat.
        else finish({ kind: 'body', bytes: chunks.length === 0 ? copy : Buffer.concat([...chunks, copy], size) });
      });
    });
  }

  private writeHead(status: number, headers: HeaderMap): UwsResponse {
    this.res.writeStatus(statusLine(status));
    for (const [key, value] of Object.entries(headers)) this.res.writeHeader(key, value);
    return this.res;
  }

  /** Backpressure began: the client has `writeTimeouts` to read before it is dropped. */
  private blocked(): void {
    if (this.stalled || !this.writeTimeouts) return;
    this.stalled = this.writeTimeouts.add(() => {
      this.stalled = null;
      this.destroy();
    });
  }

  private unblocked(): void {
    this.stalled?.cancel();
    this.stalled = null;
  }
}

const statusLines = new Map<number, string>();

/** `200 OK` and the like, built once per status. */
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
    statusLines.set(status, line);
  }
  return line;
}
