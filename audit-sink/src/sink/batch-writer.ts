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
  /**
   * Take the rows over instead of making handlers wait for their write (see {@link Keep}). Without it, `add`
   * resolves once the rows are stored and rejects if their write failed, so the bus delivers the records again.
   */
  keep?: Keep;
  write(batch: AuditBatch): Promise<unknown>;
}

/**
 * The writer owns the rows once added: `add` resolves as soon as it holds them, a failed write is tried again after
 * `retryMs` (the rows stay in order, ahead of later ones), and only while more than `maxHeldRows` rows wait does
 * `add` hold its caller until a write brings them under. For a bus that keeps its records in this process only: the
 * records are committed and dropped at once, where waiting for the write kept them on the heap for up to `maxMs`
 * and had them handed over all at once when it ended.
 */
export interface Keep {
  maxHeldRows: number;
  retryMs: number;
  /** Rows a write failed to store while the writer drained: given up, since nothing will try them again. */
  lost(batch: AuditBatch, err: unknown): void;
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
 * it lets its offsets be committed only after its rows are stored; with `keep`, once the writer holds them.
 */
export class BatchWriter {
  private pending: Pending = empty();
  /** Rows of the write in flight. */
  private writingRows = 0;
  /** With `keep`: callers held while too many rows wait. */
  private held: Waiter[] = [];
  /** With `keep`: no write before this time (`Date.now()`), after a failed one. */
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private again = false;
  private draining = false;
  private closed = false;

  constructor(private readonly options: BatchWriterOptions) {}

  /** Rows added and not stored yet, the write in flight included. */
  get waitingRows(): number {
    return rowCount(this.pending.batch) + this.writingRows;
  }

  /** Queues rows; resolves once they are written (with `keep`, once the writer holds them). */
  add(batch: AuditBatch): Promise<void> {
    if (this.closed) return Promise.reject(new AuditError('SLUICE_AUDIT_STORE_CLOSED', 'the audit sink is stopped'));
    if (rowCount(batch) === 0) return Promise.resolve();
    const keep = this.options.keep;
    let done: Promise<void> = Promise.resolve();
    if (!keep) done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    append(this.pending.batch.events, batch.events);
    append(this.pending.batch.calls, batch.calls);
    if (keep && this.waitingRows > keep.maxHeldRows) done = new Promise<void>((resolve, reject) => this.held.push({ resolve, reject }));
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
    this.release();
  }

  private writeNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) {
      this.again = true;
      return;
    }
    const wait = this.retryAt - Date.now();
    if (wait > 0 && !this.draining) {
      this.timer = setTimeout(() => this.writeNow(), wait);
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
      if (rowCount(batch) === 0) continue;
      this.pending = empty();
      this.writingRows = rowCount(batch);
      try {
        await this.options.write(batch);
        this.writingRows = 0;
        this.retryAt = 0;
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        this.writingRows = 0;
        for (const waiter of waiters) waiter.reject(err);
        if (this.options.keep && !this.failedKept(batch, err)) return;
      }
      if (this.options.keep && this.waitingRows <= this.options.keep.maxHeldRows) this.release();
    } while (this.again || (rowCount(this.pending.batch) > 0 && (this.draining || this.full())));
  }

  /**
   * With `keep`: puts the rows of a failed write back ahead of those that came since and schedules the retry; once
   * draining, gives them up instead. Returns whether the loop goes on.
   */
  private failedKept(batch: AuditBatch, err: unknown): boolean {
    const keep = this.options.keep!;
    if (this.draining) {
      keep.lost(batch, err);
      return true;
    }
    this.pending.batch = { events: [...batch.events, ...this.pending.batch.events], calls: [...batch.calls, ...this.pending.batch.calls] };
    this.retryAt = Date.now() + keep.retryMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.writeNow(), keep.retryMs);
    return false;
  }

  /** Lets every held caller go on. */
  private release(): void {
    for (const waiter of this.held.splice(0)) waiter.resolve();
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
