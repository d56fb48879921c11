const MINUTE_MS = 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * How often each owner (a principal's key, else a client address) may open a session: a token bucket per owner
 * holding `perMinute` tokens, refilled at `perMinute` a minute. A bucket untouched for a minute is full again, which
 * is the same as having none, so those are dropped (checked at most once a minute): memory holds only the owners
 * that opened a session in the last minute.
 */
export class CreationRate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private sweptAt: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / MINUTE_MS;
    this.sweptAt = now();
  }

  /** Takes a token for `owner`: null when it may open a session, else the whole seconds until it may (at least 1). */
  take(owner: string): number | null {
    const now = this.now();
    if (now - this.sweptAt >= MINUTE_MS) this.sweep(now);
    const bucket = this.buckets.get(owner);
    const tokens = bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs) : this.perMinute;
    if (tokens >= 1) {
      this.buckets.set(owner, { tokens: tokens - 1, at: now });
      return null;
    }
    if (bucket) {
      bucket.tokens = tokens;
      bucket.at = now;
    }
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Owners with a bucket that is not full. */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [owner, bucket] of this.buckets) if (now - bucket.at >= MINUTE_MS) this.buckets.delete(owner);
  }
}
