import type { BusRecord, ProduceRecord } from './types.js';

/**
 * A record the in-memory bus holds. A value given as a function is made on the first read of `value` and kept,
 * so bytes that no reader asks for (consumers in this process take the attachment instead) are never made.
 */
export class MemoryRecord implements BusRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly attachment: unknown;
  private bytes: Buffer | (() => Buffer);

  constructor(
    record: ProduceRecord,
    readonly partition: number,
    readonly offset: string,
    readonly timestamp: number,
  ) {
    this.topic = record.topic;
    this.key = record.key;
    this.bytes = record.value;
    this.headers = { ...record.headers };
    this.attachment = record.attachment;
  }

  get value(): Buffer {
    if (typeof this.bytes === 'function') this.bytes = this.bytes();
    return this.bytes;
  }
}
