import { Counter, type CounterConfiguration } from 'prom-client';

/** Increments of one label set of a {@link TalliedCounter}. */
export interface Tally {
  inc(n?: number): void;
}

interface Pending {
  labels: string[];
  count: number;
}

/**
 * A prom-client Counter for the per-event path: {@link tally} gives a plain-number count for one label set,
 * added to the counter whenever the counter is read (a scrape or `get()`). prom-client hashes and validates the
 * label set on every increment, which cost more than some of the work it counted.
 */
export class TalliedCounter<T extends string> extends Counter<T> {
  private readonly pending = new Map<string, Pending>();

  constructor(config: Omit<CounterConfiguration<T>, 'collect'>) {
    super({
      ...config,
      collect(this: Counter<T>) {
        (this as TalliedCounter<T>).flush();
      },
    });
  }

  /** The count of one label set (values in `labelNames` order). */
  tally(...values: string[]): Tally {
    const key = values.join('\u0000');
    let pending = this.pending.get(key);
    if (!pending) {
      pending = { labels: values, count: 0 };
      this.pending.set(key, pending);
    }
    const entry = pending;
    return {
      inc: (n = 1) => {
        entry.count += n;
      },
    };
  }

  private flush(): void {
    for (const entry of this.pending.values()) {
      if (entry.count === 0) continue;
      this.labels(...entry.labels).inc(entry.count);
      entry.count = 0;
    }
  }
}
