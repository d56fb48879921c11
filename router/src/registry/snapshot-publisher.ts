import { newEvent, type EventLog, type Logger } from '@sluice/core';
import type { RegistrySnapshotBody } from '@sluice/schemas';

const RETRY_MS = 1000;

/**
 * Publishes registry snapshots to the compacted `registry` topic, one at a time and in order. Requests made
 * while a snapshot is being published coalesce into one more snapshot of the state at that point, so the last
 * record on the topic is always the latest state. A failed background publish is retried.
 */
export class SnapshotPublisher {
  private running: Promise<void> | null = null;
  private dirty = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly events: EventLog,
    private readonly snapshot: () => RegistrySnapshotBody,
    private readonly tenant: string,
    private readonly logger: Logger,
  ) {}

  /** Publishes the current state; resolves once a snapshot taken after this call is durable. */
  publish(): Promise<void> {
    this.dirty = true;
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Publishes in the background; failures are logged and retried. */
  schedule(): void {
    if (this.closed) return;
    this.publish().catch((err: unknown) => {
      this.logger.error({ err: String(err) }, 'publishing the registry snapshot failed; retrying');
      if (this.retryTimer || this.closed) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.schedule();
      }, RETRY_MS);
      this.retryTimer.unref();
    });
  }

  /** Stops background publishing and waits for the one under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      await this.events.publish('registry', [newEvent('registry.snapshot', this.snapshot(), { tenant: this.tenant })]);
    }
  }
}
