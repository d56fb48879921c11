import type { EncodedRecord } from '../types.js';

/** Sends one batch of records; resolves once every one is stored. */
export type SendBatch = (records: readonly EncodedRecord[]) => Promise<void>;

/** Bounds of one batch and of one caller's wait. */
export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
  /** A call not acknowledged within this time rejects with `timeoutError()`. */
  timeoutMs: number;
  timeoutError: () => Error;
}

interface Call {
  records: readonly EncodedRecord[];
  /** Index of the first record not yet handed to `send`. */
  next: number;
  chunksInFlight: number;
  done: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Approximate bytes a record takes in a request. */
function sizeOf(record: EncodedRecord): number {
  let size = 24 + record.value.length + (record.key === null ? 0 : Buffer.byteLength(record.key));
  for (const [name, value] of Object.entries(record.headers ?? {})) size += name.length + Buffer.byteLength(value);
  return size;
}

/**
 * Coalesces concurrent produce calls into few batches: calls made in the same tick, or while a batch is in
 * flight, go out together in call order, one batch at a time, so records of one key keep their order. A call
 * larger than a batch is split; it resolves when all its records are stored and rejects if any part fails (the
 * parts not yet sent are then dropped).
 */
export class ProduceBatcher {
  private readonly queue: Call[] = [];
  private queuedRecords = 0;
  private queuedBytes = 0;
  private draining = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly send: SendBatch,
    private readonly limits: BatchLimits,
  ) {}

  /** Queues records; resolves once all of them are stored. */
  add(records: readonly EncodedRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const call: Call = {
        records,
        next: 0,
        chunksInFlight: 0,
        done: false,
        resolve,
        reject,
        timer: setTimeout(() => this.fail(call, this.limits.timeoutError()), this.limits.timeoutMs),
      };
      this.queue.push(call);
      this.queuedRecords += records.length;
      for (const record of records) this.queuedBytes += sizeOf(record);
      this.kick(this.queuedRecords >= this.limits.maxRecords || this.queuedBytes >= this.limits.maxBytes);
    });
  }

  /** Resolves once everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.kick(true);
    await idle;
  }

  private kick(now: boolean): void {
    if (this.draining) return;
    if (now) {
      void this.drain();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let chunk = this.take(); chunk.records.length > 0; chunk = this.take()) {
        let failure: unknown = null;
        try {
          await this.send(chunk.records);
        } catch (error) {
          failure = error ?? new Error('produce failed');
        }
        for (const call of chunk.calls) {
          call.chunksInFlight--;
          if (failure !== null) this.fail(call, failure);
          else if (call.chunksInFlight === 0 && call.next === call.records.length) this.succeed(call);
        }
      }
    } finally {
      this.draining = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** The next batch: records from the head of the queue, within the limits, at least one. */
  private take(): { records: EncodedRecord[]; calls: Call[] } {
    const records: EncodedRecord[] = [];
    const calls: Call[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const call = this.queue[0]!;
      if (call.done) {
        this.dequeue(call);
        continue;
      }
      const first = call.next;
      while (call.next < call.records.length) {
        const record = call.records[call.next]!;
        const size = sizeOf(record);
        const full = records.length >= this.limits.maxRecords || bytes + size > this.limits.maxBytes;
        if (full && records.length > 0) break;
        records.push(record);
        bytes += size;
        call.next++;
        this.queuedRecords--;
        this.queuedBytes -= size;
      }
      if (call.next > first) {
        calls.push(call);
        call.chunksInFlight++;
      }
      if (call.next < call.records.length) break;
      this.queue.shift();
    }
    return { records, calls };
  }

  private dequeue(call: Call): void {
    this.queue.splice(this.queue.indexOf(call), 1);
    for (let i = call.next; i < call.records.length; i++) {
      this.queuedRecords--;
      this.queuedBytes -= sizeOf(call.records[i]!);
    }
    call.next = call.records.length;
  }

  private succeed(call: Call): void {
    if (call.done) return;
    call.done = true;
    clearTimeout(call.timer);
    call.resolve();
  }

  private fail(call: Call, error: unknown): void {
    if (call.done) return;
    call.done = true;
    clearTimeout(call.timer);
    call.reject(error);
  }
}
