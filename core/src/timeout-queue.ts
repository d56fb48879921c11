/** A timeout waiting in a {@link TimeoutQueue}. */
export interface QueuedTimeout {
  /** Stops the timeout; nothing happens if it already fired or was cancelled. */
  cancel(): void;
}

class Entry implements QueuedTimeout {
  prev: Entry | null = null;
  next: Entry | null = null;
  queued = true;

  constructor(
    private readonly queue: TimeoutQueue,
    readonly deadline: number,
    readonly onTimeout: () => void,
  ) {}

  cancel(): void {
    if (this.queued) this.queue.remove(this);
  }
}

/**
 * Timeouts that all last `ms`, on one timer. They expire in the order they were added, so they wait in a list in
 * that order and the timer is armed for the head only: adding and cancelling cost a small object and a few
 * pointer moves, where a setTimeout per request allocates Node's Timeout, registers it with async hooks and
 * reads the loop's clock, and per-request timeouts are nearly always cancelled. A timeout fires at or after
 * its deadline, as setTimeout does; the timer is stopped whenever the queue empties, so it never holds the
 * process open with nothing queued. Uses Date.now(), so fake timers drive it as they drive setTimeout.
 */
export class TimeoutQueue {
  private head: Entry | null = null;
  private tail: Entry | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firing = false;

  constructor(readonly ms: number) {}

  /** Calls `onTimeout` once `ms` have passed, unless cancelled first. */
  add(onTimeout: () => void): QueuedTimeout {
    const entry = new Entry(this, Date.now() + this.ms, onTimeout);
    if (this.tail) {
      this.tail.next = entry;
      entry.prev = this.tail;
    } else {
      this.head = entry;
    }
    this.tail = entry;
    if (!this.timer && !this.firing) this.arm(this.ms);
    return entry;
  }

  /** Takes an entry out of the list (cancelled or due). */
  remove(entry: Entry): void {
    entry.queued = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = null;
    if (!this.head && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Fires every entry that is due, then waits for the new head (a head cancelled early leaves the timer early). */
  private fire(): void {
    this.timer = null;
    this.firing = true;
    try {
      const now = Date.now();
      for (let entry = this.head; entry && entry.deadline <= now; entry = this.head) {
        this.remove(entry);
        entry.onTimeout();
      }
    } finally {
      this.firing = false;
      if (this.head) this.arm(this.head.deadline - Date.now());
    }
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => this.fire(), delay);
  }
}
