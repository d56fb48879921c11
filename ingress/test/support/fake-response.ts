import type { UwsChunk, UwsResponse } from '../../src/uws/types.js';

/** A uWS response double that records what was written and reports backpressure when told to. */
export class FakeResponse implements UwsResponse {
  readonly written: string[] = [];
  status = '';
  ended = false;
  closed = false;
  /** While true, write() reports backpressure (the chunk is still kept, as uWS does). */
  congested = false;
  private writable: ((offset: number) => boolean) | null = null;
  private aborted: (() => void) | null = null;

  writeStatus(status: string): UwsResponse {
    this.status = status;
    return this;
  }
  writeHeader(): UwsResponse {
    return this;
  }
  write(chunk: UwsChunk): boolean {
    this.written.push(Buffer.from(chunk as Uint8Array).toString('utf8'));
    return !this.congested;
  }
  end(body?: UwsChunk): UwsResponse {
    if (body) this.written.push(Buffer.from(body as Uint8Array).toString('utf8'));
    this.ended = true;
    return this;
  }
  tryEnd(chunk: UwsChunk): [boolean, boolean] {
    this.end(chunk);
    return [true, true];
  }
  getWriteOffset(): number {
    return 0;
  }
  onWritable(handler: (offset: number) => boolean): UwsResponse {
    this.writable = handler;
    return this;
  }
  onAborted(handler: () => void): UwsResponse {
    this.aborted = handler;
    return this;
  }
  onData(): UwsResponse {
    return this;
  }
  cork(callback: () => void): UwsResponse {
    callback();
    return this;
  }
  getRemoteAddressAsText(): ArrayBuffer {
    return new TextEncoder().encode('127.0.0.1').buffer;
  }
  close(): UwsResponse {
    this.closed = true;
    this.aborted?.();
    return this;
  }

  /** The socket drained: uWS calls the writable handler. */
  drain(): boolean {
    this.congested = false;
    return this.writable?.(0) ?? true;
  }

  /** The client went away. */
  abort(): void {
    this.aborted?.();
  }
}
