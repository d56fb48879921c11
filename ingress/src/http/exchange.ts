import { STATUS_CODES } from 'node:http';
import type { UwsChunk, UwsRequest, UwsResponse } from '../uws/types.js';

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
}

/** Response headers, by name. */
export type HeaderMap = Record<string, string>;

/** Result of reading a request body under a size limit. */
export type BodyResult = { kind: 'body'; bytes: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/** Copies what the ingress needs out of a uWS request; call it synchronously in the route handler. */
export function readHead(req: UwsRequest): RequestHead {
  const header = (name: string): string | null => req.getHeader(name) || null;
  const length = header('content-length');
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    host: header('host'),
    origin: header('origin'),
    accept: header('accept'),
    contentType: header('content-type'),
    contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : null,
    sessionId: header('mcp-session-id'),
    protocolVersion: header('mcp-protocol-version'),
    traceparent: header('traceparent'),
    tracestate: header('tracestate'),
  };
}

/**
 * One HTTP request and its response. Tracks whether the client went away (`onAborted`), so nothing writes to a
 * dead response, corks every write, and handles backpressure with `tryEnd`/`onWritable`.
 */
export class Exchange {
  private aborted = false;
  private ended = false;
  private readonly abortListeners: Array<() => void> = [];

  constructor(
    private readonly res: UwsResponse,
    readonly head: RequestHead,
  ) {
    res.onAborted(() => {
      this.aborted = true;
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

  /** Sends a whole response (no body to HEAD); `closeConnection` closes the connection after it (used when refusing a body). */
  respond(status: number, headers: HeaderMap, body: Uint8Array | string = '', closeConnection = false): void {
    if (!this.open) return;
    this.ended = true;
    const bytes = this.head.method === 'HEAD' ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body) : body;
    this.res.cork(() => {
      this.writeHead(status, headers);
      if (closeConnection || bytes.length === 0) {
        this.res.end(bytes, closeConnection);
        return;
      }
      const start = this.res.getWriteOffset();
      const [ok, done] = this.res.tryEnd(bytes, bytes.length);
      if (!ok && !done) {
        this.res.onWritable((offset) => this.aborted || this.res.tryEnd(bytes.subarray(offset - start), bytes.length)[0]);
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
    return ok;
  }

  /** Writes a chunk of a started stream; false on backpressure (uWS keeps the chunk) or when closed. */
  write(chunk: UwsChunk): boolean {
    if (!this.open) return false;
    let ok = false;
    this.res.cork(() => {
      ok = this.res.write(chunk);
    });
    return ok;
  }

  /** Calls `handler` when the socket drains; it returns whether its own writes went through. */
  onWritable(handler: () => boolean): void {
    if (this.open) this.res.onWritable(() => this.aborted || handler());
  }

  /** Ends a started stream. */
  endStream(): void {
    if (!this.open) return;
    this.ended = true;
    this.res.cork(() => this.res.end());
  }

  /** Drops the connection (a stream the client cannot keep up with). */
  destroy(): void {
    if (this.aborted) return;
    this.ended = true;
    this.res.close();
  }

  /** Reads the body, refusing it once it passes `limit` bytes; call synchronously in the route handler. */
  readBody(limit: number): Promise<BodyResult> {
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

  private writeHead(status: number, headers: HeaderMap): void {
    this.res.writeStatus(statusLine(status));
    for (const [key, value] of Object.entries(headers)) this.res.writeHeader(key, value);
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
