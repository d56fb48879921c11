/** Offsets as the Kafka client commits them: per topic, the next offset to read of each partition. */
export interface CommitRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

/** Sends one offset commit to the group coordinator. */
export type CommitOffsets = (request: CommitRequest) => Promise<void>;

interface Mark {
  topic: string;
  partition: number;
  offset: string;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Commits a consumer's handled offsets in the background, so that the next fetch goes out as soon as a handler
 * resolves instead of after a commit round trip, and so that one commit request can cover many batches.
 *
 * Only offsets of records whose handler has resolved are ever marked, so nothing is committed before it was
 * handled. Marks made within `intervalMs` of the first, or while a commit is in flight, go out together in the
 * next commit; there is one commit in flight at a time, so offsets only move forward. A failed commit keeps its
 * offsets and is retried with a growing delay. `reset` drops every mark: after the member rejoins its group, the
 * client reads on from the committed offsets, and a mark of the old generation may name a partition that another
 * member now owns. `flush` commits what is marked, for a member that leaves.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, Mark>();
  private commit: CommitOffsets | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Bumped by `reset`; a commit that fails puts its marks back only if no reset happened meanwhile. */
  private epoch = 0;
  private closed = false;

  /**
   * @param intervalMs how long marks gather before they are committed; 0 commits at once.
   * @param onError told of each failed background commit (it is retried).
   */
  constructor(
    private readonly intervalMs: number,
    private readonly onError: (error: unknown, request: CommitRequest, attempt: number) => void,
  ) {}

  /** Records that every record of the partition before `offset` was handled; `commit` sends the commit. */
  mark(commit: CommitOffsets, topic: string, partition: number, offset: string): void {
    if (this.closed) return;
    this.commit = commit;
    this.pending.set(`${topic}:${partition}`, { topic, partition, offset });
    if (this.running) return;
    if (this.intervalMs === 0) this.inBackground();
    else this.schedule(this.intervalMs);
  }

  /** Drops every mark not yet sent (the member rejoined its group). */
  reset(): void {
    this.epoch++;
    this.pending.clear();
    this.cancelTimer();
  }

  /** Commits every mark made so far; rejects if a commit fails (its marks are kept). */
  async flush(): Promise<void> {
    this.cancelTimer();
    await this.run();
  }

  /** Stops committing; marks not yet committed are dropped (their records will be delivered again). */
  close(): void {
    this.closed = true;
    this.reset();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inBackground();
    }, delayMs);
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private inBackground(): void {
    this.run().catch(() => this.schedule(Math.max(this.intervalMs, Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1)))));
  }

  /** Commits until nothing is marked; callers share the loop in flight. */
  private run(): Promise<void> {
    this.running ??= (async () => {
      try {
        while (this.pending.size > 0 && !this.closed) await this.commitPending();
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async commitPending(): Promise<void> {
    const marks = [...this.pending.values()];
    const epoch = this.epoch;
    this.pending.clear();
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of marks) {
      let partitions = byTopic.get(topic);
      if (!partitions) byTopic.set(topic, (partitions = []));
      partitions.push({ partition, offset });
    }
    const request: CommitRequest = { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
    try {
      await this.commit!(request);
      this.failures = 0;
    } catch (error) {
      this.failures++;
      if (epoch === this.epoch) {
        // Put back what no newer mark has replaced meanwhile.
        for (const mark of marks) {
          const slot = `${mark.topic}:${mark.partition}`;
          if (!this.pending.has(slot)) this.pending.set(slot, mark);
        }
      }
      this.onError(error, request, this.failures);
      throw error;
    }
  }
}
