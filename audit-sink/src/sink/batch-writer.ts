import { AuditError } from '../errors.js';
import { rowCount, type AuditBatch } from '../rows/audit-batch.js';

/** When to write and how. */
export interface BatchWriterOptions {
  /** Write as soon as this many rows wait. */
  maxRows: number;
  /** Write rows that waited this long, however few. */
  maxMs: number;
  /**
   * Write as soon as this many `add` calls wait (default: no limit). When every handler the bus runs at once is
   * waiting here, no more rows can come before the write: waiting out `maxMs` would only hold the consumer up.
   */
  maxWaiters?: number;
  write(batch: AuditBatch): Promise<unknown>;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Pending {
  batch: AuditBatch;
  waiters: Waiter[];
}

/**
 * Coalesces the rows of concurrent partition handlers into shared writes, one write at a time. Each `add`
 * resolves once the write holding its rows has stored them (and rejects if it failed), so a handler that awaits
 * it lets its offsets be committed only after its rows are stored.
 */
export class BatchWriter {
  private pending: Pending = empty();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private again = false;
  private draining = false;
  private closed = false;

  constructor(private readonly options: BatchWriterOptions) {}

  /** Queues rows; resolves once they are written. */
  add(batch: AuditBatch): Promise<void> {
    if (this.closed) return Promise.reject(new AuditError('SLUICE_AUDIT_STORE_CLOSED', 'the audit sink is stopped'));
    if (rowCount(batch) === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    append(this.pending.batch.events, batch.events);
    append(this.pending.batch.calls, batch.calls);
    if (this.draining || this.full()) this.writeNow();
    else this.timer ??= setTimeout(() => this.writeNow(), this.options.maxMs);
    return done;
  }

  /** Writes what waits without waiting for the timer, and so from now on; resolves when nothing waits. */
  async drain(): Promise<void> {
    this.draining = true;
    this.writeNow();
    while (this.writing) await this.writing;
  }

  /** Refuses further rows; call after `drain`. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private writeNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.writeLoop().finally(() => {
      this.writing = null;
    });
  }

  private async writeLoop(): Promise<void> {
    do {
      this.again = false;
      const { batch, waiters } = this.pending;
      if (waiters.length === 0) continue;
      this.pending = empty();
      try {
        await this.options.write(batch);
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        for (const waiter of waiters) waiter.reject(err);
      }
    } while (this.again || (this.pending.waiters.length > 0 && (this.draining || this.full())));
  }

  /** Whether what waits should be written without waiting for the timer. */
  private full(): boolean {
    return rowCount(this.pending.batch) >= this.options.maxRows || this.pending.waiters.length >= (this.options.maxWaiters ?? Infinity);
  }
}

function empty(): Pending {
  return { batch: { events: [], calls: [] }, waiters: [] };
}

function append<T>(into: T[], rows: readonly T[]): void {
  for (const row of rows) into.push(row);
}
