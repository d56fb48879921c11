import { MemoryBus, type BatchHandler, type Bus, type ProduceRecord, type SubscribeOptions, type Subscription, type TopicSpec } from '@sluice/core';

/** An in-memory bus whose appends to one topic can be held back until released, or made to fail. */
export class HeldBus implements Bus {
  readonly kind = 'memory' as const;
  readonly inner = new MemoryBus();
  readonly concurrentBatches = this.inner.concurrentBatches;
  private held: { topic: string; release: () => void; gate: Promise<void> } | null = null;
  private failing: string | null = null;
  /** Appends that are waiting at the gate. */
  waiting = 0;

  /** Holds every append to `topic` (a physical name) until release(). */
  hold(topic: string): void {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.held = { topic, release, gate };
  }

  /** Makes every append to `topic` fail, until called with null. */
  failAppends(topic: string | null): void {
    this.failing = topic;
  }

  /** Lets held appends through. */
  release(): void {
    this.held?.release();
    this.held = null;
  }

  async produce(records: readonly ProduceRecord[]): Promise<void> {
    if (records.some((r) => r.topic === this.failing)) throw new Error('broker unavailable');
    const held = this.held;
    if (held && records.some((r) => r.topic === held.topic)) {
      this.waiting++;
      await held.gate;
      this.waiting--;
    }
    await this.inner.produce(records);
  }

  createTopics(specs: readonly TopicSpec[]): Promise<void> {
    return this.inner.createTopics(specs);
  }

  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    return this.inner.subscribe(options, handler);
  }

  partitionCount(topic: string): Promise<number> {
    return this.inner.partitionCount(topic);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
