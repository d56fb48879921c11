import type { Exchange, HeaderMap } from './exchange.js';

/** Tuning of an SSE stream. */
export interface SseStreamOptions {
  /** Interval of the comment lines that keep idle connections (and proxies) alive. */
  keepAliveMs: number;
  /** Bytes queued while the client is slow; past this the stream is dropped. */
  maxQueuedBytes: number;
}

const OPENED = Buffer.from(': stream open\n\n');
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');
/** A bare comment line, written only to make uWS flush its buffer when nothing else is queued. */
const NUDGE = Buffer.from(':\n');
const LINE_BREAK = /\r\n|\r|\n/;

/** Formats one SSE event whose data is `data` (its line breaks become separate `data:` lines). */
export function formatSseEvent(data: Uint8Array, event = 'message'): Buffer {
  const head = Buffer.from(`event: ${event}\n`);
  if (!data.includes(0x0a) && !data.includes(0x0d)) {
    return Buffer.concat([head, Buffer.from('data: '), data, Buffer.from('\n\n')]);
  }
  const lines = Buffer.from(data).toString('utf8').split(LINE_BREAK);
  return Buffer.concat([head, Buffer.from(lines.map((line) => `data: ${line}\n`).join('')), Buffer.from('\n')]);
}

/**
 * A `text/event-stream` response. Writes go straight to uWS until it reports backpressure; then events wait in
 * a bounded queue that is flushed when the socket drains, and a client that falls too far behind is dropped.
 */
export class SseStream {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private blocked = false;
  private closed = false;
  private keepAlive: NodeJS.Timeout | null = null;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly exchange: Exchange,
    private readonly options: SseStreamOptions,
  ) {
    exchange.onAbort(() => this.finish());
  }

  /** True until the stream ended or the client went away. */
  get isOpen(): boolean {
    return !this.closed && this.exchange.open;
  }

  /** Sends the 200 and the stream headers, then keeps the connection alive. */
  open(headers: HeaderMap = {}): void {
    const ok = this.exchange.startStream(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', ...headers }, OPENED);
    if (!ok) this.block();
    this.keepAlive = setInterval(() => {
      if (!this.blocked) this.push(KEEP_ALIVE);
    }, this.options.keepAliveMs);
    this.keepAlive.unref();
  }

  /** Sends one JSON-RPC message as a `message` event. */
  send(message: Uint8Array): void {
    this.push(formatSseEvent(message));
  }

  /** Ends the stream after what is queued. */
  end(): void {
    if (!this.isOpen) return;
    for (const chunk of this.queue.splice(0)) this.exchange.write(chunk);
    this.queuedBytes = 0;
    this.exchange.endStream();
    this.finish();
  }

  /** Runs `listener` once when the stream ends, however it ends. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private push(chunk: Buffer): void {
    if (!this.isOpen) return;
    if (this.blocked) {
      if (this.queuedBytes + chunk.length > this.options.maxQueuedBytes) {
        this.exchange.destroy();
        this.finish();
        return;
      }
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      return;
    }
    if (!this.exchange.write(chunk)) this.block();
  }

  private block(): void {
    if (this.blocked) return;
    this.blocked = true;
    this.exchange.onWritable(() => this.drain());
  }

  /** Called on drain; uWS only flushes its own buffer when this handler writes, hence the nudge. */
  private drain(): boolean {
    if (!this.isOpen) return true;
    if (this.queue.length === 0) {
      const ok = this.exchange.write(NUDGE);
      if (ok) this.blocked = false;
      return ok;
    }
    while (this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      if (!this.exchange.write(chunk)) return false;
    }
    this.blocked = false;
    return true;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.queue.length = 0;
    this.queuedBytes = 0;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
