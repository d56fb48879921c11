import { setTimeout as sleep } from 'node:timers/promises';
import { CORE_ERRORS, SluiceError } from '../errors.js';
import { MemoryRecord } from './memory-record.js';
import { partitionForKey } from './partitioner.js';
import { isPending, type BatchHandler, type Bus, type BusRecord, type ProduceRecord, type SubscribeOptions, type Subscription, type TopicSpec } from './types.js';

const MAX_BATCH = 500;
/**
 * How many batches a partition's loop hands over while earlier ones are still pending (their handler resolved with
 * a `Pending`): past it, the loop waits for the oldest to settle.
 */
const MAX_PENDING_BATCHES = 256;
const RETRY_AFTER_FAILURE_MS = 50;
/**
 * Records every group has committed are dropped once at least this many are, and at least half of what the
 * partition holds (so the shift costs O(1) per record): soon enough that they rarely outlive a young-generation
 * collection, which would copy them.
 */
const TRIM_MIN = 32;
/**
 * What a partition of a topic no group has subscribed to keeps: its newest records, for a group that subscribes
 * later from the beginning (in one process, roles subscribe at start). Without a bound, a topic nobody reads
 * (`dispatches` and `sessions` with audit off) would hold every record for as long as the process runs. Few: a
 * record kept for seconds outlives young-generation collections and is promoted to the old generation, whose
 * collections are the long ones (with 1,024, a gateway with audit off at 500 calls/s promoted 3.2 MB/s against
 * 2.2 MB/s with 32).
 */
export const UNREAD_KEPT = 128;
/**
 * What a partition of a compacted topic keeps of the records it has dropped: the latest record of each key, as
 * Kafka's log compaction does, for a group that subscribes later from the beginning (a policy worker reads the
 * latest `registry` snapshot so). At most this many keys, the most recently written: one record per key is still
 * one per session ever opened on `sessions`, so without a bound a long-running gateway would grow with every
 * session it served (keeping every record, it grew ≈ 3.4 KB of heap per session).
 */
export const COMPACTED_KEPT = 1024;
/**
 * How long a `bulk` subscription waits, once a record arrives, before its handler takes what came: the handler
 * runs once per few requests instead of once per record, and after them, while records still die young.
 */
export const BULK_WAIT_MS = 25;
/**
 * How long the delivery loops of `bulk` subscriptions go on, from their first delivery in a turn of the event loop,
 * before they let it turn. A handler that settles at once resumes its loop in a microtask, so without this a backlog
 * (the audit sink catching up after a burst: tens of batches of records) would be delivered in one go while no
 * request is read or answered; a gateway stopped so for 250–630 ms after a saturating burst. Other subscriptions
 * answer requests and run to completion.
 */
export const DELIVERY_SLICE_MS = 5;
/** A `bulk` subscription's batches are smaller, so that one batch's handler (≈ 20–40 µs a record) fits a slice. */
const BULK_MAX_BATCH = 100;

/**
 * The event loop's turns as the bulk delivery loops see them: a slice starts with a turn's first bulk delivery and
 * ends at the event loop's next check phase; a loop that finds the slice used up waits for a turn after the event
 * loop has polled for I/O. A loop resumed so starts a fresh slice at once, so bulk loops get at least a slice per
 * turn however busy the rest of it is.
 */
class BulkTurns {
  private startedAt = 0;
  /** A slice is running: set at a turn's first bulk delivery, cleared by an immediate once the event loop turns. */
  private inSlice = false;
  private next: Promise<void> | null = null;
  private readonly endSlice = (): void => {
    this.inSlice = false;
  };

  /** `null` while the slice lasts (the caller delivers now), else a promise of the next turn to await first. */
  wait(): Promise<void> | null {
    const now = performance.now();
    if (!this.inSlice) {
      this.inSlice = true;
      this.startedAt = now;
      setImmediate(this.endSlice);
      return null;
    }
    if (now - this.startedAt < DELIVERY_SLICE_MS) return null;
    // An immediate set now runs after the event loop's next poll for I/O when this is its check phase, and at
    // worst right after the current poll phase otherwise; either way the loops then start a fresh slice.
    return (this.next ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.next = null;
        this.inSlice = false;
        resolve();
      }),
    ));
  }
}

interface Partition {
  /** Records from offset `base` on; older ones were committed by every group and dropped. */
  records: BusRecord[];
  base: number;
  /** Compacted topics: the latest dropped record of each key (of at most {@link COMPACTED_KEPT}), in offset order. */
  kept: Map<string, BusRecord>;
  /** Wakes the consumers waiting for records past the end. */
  waiters: Array<() => void>;
}

interface Topic {
  spec: TopicSpec;
  partitions: Partition[];
  /** Groups that ever subscribed: a record is dropped only once each of them has committed it. */
  groups: Set<Group>;
}

interface Member {
  options: SubscribeOptions;
  handler: BatchHandler;
  /** `topic:partition` → running delivery loop. */
  /** `stop(true)`: hand over the records already there first (a `bulk` member leaving, see `startLoop`). */
  loops: Map<string, { stop: (flush: boolean) => void; done: Promise<void> }>;
  startAt: Map<string, number>;
}

/** A batch handed over whose handler left it pending, and the offset after it. */
interface PendingBatch {
  end: number;
  state: 'pending' | 'ok' | 'failed';
  /** Resolves once it settled, either way, and `state` says how. */
  done: Promise<void>;
}

interface Group {
  /** `topic:partition` → next offset to deliver. */
  committed: Map<string, number>;
  members: Set<Member>;
}

/**
 * The in-memory bus: Kafka's semantics in one process. Keys choose partitions with Kafka's own partitioner,
 * order holds per partition, members of a group split the partitions, offsets are committed after the handler
 * resolves, and appends are idempotent per producer sequence so a retried append stores its records once.
 * Records keep their attachment, and a value given as a function is made only if a reader asks for it.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly concurrentBatches = Number.POSITIVE_INFINITY;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private readonly appliedSequences = new Set<number>();
  private nextSequence = 0;
  private lostAcks = 0;
  private closed = false;
  private readonly bulkTurns = new BulkTurns();

  /** Test hook: the next append is stored but its acknowledgement is lost, so the producer retries it. */
  failNextProduce(): void {
    this.lostAcks++;
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.topics.has(spec.topic)) continue;
      const partitions = Array.from({ length: spec.partitions }, () => ({ records: [], base: 0, kept: new Map(), waiters: [] }));
      this.topics.set(spec.topic, { spec, partitions, groups: new Set() });
      for (const group of this.groups.values()) this.rebalance(group);
    }
  }

  /**
   * Records a topic still holds in memory: those not yet committed by every group that reads it, and of a
   * compacted topic the latest record of each key dropped.
   */
  retainedRecords(topic: string): number {
    return this.topic(topic).partitions.reduce((n, p) => n + p.records.length + p.kept.size, 0);
  }

  async partitionCount(topic: string): Promise<number> {
    return this.topic(topic).partitions.length;
  }

  async produce(records: readonly ProduceRecord[]): Promise<void> {
    this.assertOpen();
    const sequence = this.nextSequence++;
    try {
      for (let attempt = 0; ; attempt++) {
        this.append(sequence, records);
        if (this.lostAcks === 0) return;
        this.lostAcks--;
        if (attempt > 5) throw new Error('produce: acknowledgement lost too often');
      }
    } finally {
      this.appliedSequences.delete(sequence);
    }
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    const group = this.group(options.group);
    for (const name of options.topics) this.topic(name).groups.add(group);
    const member: Member = { options, handler, loops: new Map(), startAt: new Map() };
    if (options.fromBeginning === false) {
      for (const name of options.topics) {
        this.topic(name).partitions.forEach((p, i) => member.startAt.set(`${name}:${i}`, p.base + p.records.length));
      }
    }
    group.members.add(member);
    this.rebalance(group);
    return {
      stop: async () => {
        group.members.delete(member);
        await this.stopLoops(member, [...member.loops.keys()], member.options.bulk === true);
        this.rebalance(group);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      for (const member of group.members) stopping.push(this.stopLoops(member, [...member.loops.keys()]));
      group.members.clear();
    }
    await Promise.all(stopping);
  }

  private append(sequence: number, records: readonly ProduceRecord[]): void {
    if (this.appliedSequences.has(sequence)) return;
    this.appliedSequences.add(sequence);
    const touched = new Set<Partition>();
    for (const record of records) {
      const topic = this.topic(record.topic);
      const index = record.partition ?? (record.key === null ? 0 : partitionForKey(record.key, topic.partitions.length));
      const partition = topic.partitions[index];
      if (!partition) throw new Error(`topic ${record.topic} has no partition ${index}`);
      partition.records.push(new MemoryRecord(record, index, String(partition.base + partition.records.length), Date.now()));
      touched.add(partition);
      if (topic.groups.size === 0) keepNewest(topic, partition);
    }
    for (const partition of touched) {
      const waiters = partition.waiters.splice(0);
      for (const wake of waiters) wake();
    }
  }

  private rebalance(group: Group): void {
    const shared = [...group.members].filter((m) => !m.options.partitions);
    const wanted = new Map<Member, string[]>();
    for (const member of group.members) wanted.set(member, []);
    for (const member of group.members) {
      if (!member.options.partitions) continue;
      for (const name of member.options.topics) {
        for (const p of member.options.partitions) wanted.get(member)!.push(`${name}:${p}`);
      }
    }
    const names = [...new Set(shared.flatMap((m) => m.options.topics))].sort();
    let next = 0;
    for (const name of names) {
      const topic = this.topics.get(name);
      if (!topic) continue;
      for (let p = 0; p < topic.partitions.length; p++) {
        const candidates = shared.filter((m) => m.options.topics.includes(name));
        const owner = candidates[next++ % candidates.length];
        if (owner) wanted.get(owner)!.push(`${name}:${p}`);
      }
    }
    for (const [member, slots] of wanted) {
      const lost = [...member.loops.keys()].filter((slot) => !slots.includes(slot));
      void this.stopLoops(member, lost);
      for (const slot of slots) if (!member.loops.has(slot)) this.startLoop(group, member, slot);
    }
  }

  private startLoop(group: Group, member: Member, slot: string): void {
    const cut = slot.lastIndexOf(':');
    const topic = this.topic(slot.slice(0, cut));
    const partition = topic.partitions[Number(slot.slice(cut + 1))]!;
    let running = true;
    const bulk = member.options.bulk === true;
    // A bulk member waits before taking new records; when it leaves, it takes those that came meanwhile first, as
    // a member that took them at once would have (the audit sink, stopped last, gets the other roles' last events).
    let flushing = false;
    let wake: (() => void) | null = null;
    const stop = (flush: boolean): void => {
      running = false;
      flushing = flush;
      wake?.();
    };
    // Batches handed over and left pending, oldest first, each with the offset after it; the loop reads on from
    // `readFrom` meanwhile, and commits a batch once it and every batch before it settled.
    const pending: PendingBatch[] = [];
    let readFrom: number | null = null;
    const commitSettled = (): void => {
      while (pending[0]?.state === 'ok') {
        const settled = pending.shift()!;
        if (running || flushing || group.members.has(member)) {
          group.committed.set(slot, Math.max(group.committed.get(slot) ?? 0, settled.end));
          trim(topic, partition, slot);
        }
      }
      if (pending.length === 0) readFrom = null;
    };
    const leavePending = (end: number, settled: Promise<void>): void => {
      const batch: PendingBatch = {
        end,
        state: 'pending',
        done: settled.then(
          () => {
            batch.state = 'ok';
            commitSettled();
          },
          () => {
            batch.state = 'failed';
            wake?.();
          },
        ),
      };
      pending.push(batch);
      readFrom = end;
    };
    const done = (async () => {
      while (running || flushing) {
        if (pending.some((b) => b.state === 'failed')) {
          // Deliver again from the first batch that failed, once none of the others is still being handled.
          await Promise.all(pending.map((b) => b.done));
          commitSettled();
          pending.length = 0;
          readFrom = null;
          if (!running) break;
          await sleep(RETRY_AFTER_FAILURE_MS);
          continue;
        }
        if (pending.length >= MAX_PENDING_BATCHES) {
          await pending[0]!.done;
          continue;
        }
        const next = readFrom ?? group.committed.get(slot) ?? member.startAt.get(slot) ?? 0;
        if (next < partition.base && partition.kept.size > 0) {
          // A group new to a compacted topic first reads what compaction kept of the records before `base`.
          const batch = keptFrom(partition, next);
          const after = batch.length ? Number(batch[batch.length - 1]!.offset) + 1 : partition.base;
          try {
            const result = batch.length ? await member.handler(batch) : undefined;
            if (isPending(result)) await result.settled;
            if (running || flushing || group.members.has(member)) group.committed.set(slot, Math.max(group.committed.get(slot) ?? 0, after));
          } catch {
            if (!running) break;
            await sleep(RETRY_AFTER_FAILURE_MS);
          }
          continue;
        }
        const position = Math.max(partition.base, next);
        if (position >= partition.base + partition.records.length) {
          if (!running) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            partition.waiters.push(bulk ? () => setTimeout(resolve, BULK_WAIT_MS) : resolve);
          });
          continue;
        }
        const turn = bulk ? this.bulkTurns.wait() : null;
        if (turn) {
          await turn;
          continue;
        }
        const from = position - partition.base;
        const batch = partition.records.slice(from, from + (bulk ? BULK_MAX_BATCH : MAX_BATCH));
        const end = position + batch.length;
        try {
          const result = await member.handler(batch);
          if (isPending(result)) leavePending(end, result.settled);
          else if (pending.length > 0) leavePending(end, Promise.resolve());
          else if (running || flushing || group.members.has(member)) {
            group.committed.set(slot, Math.max(group.committed.get(slot) ?? 0, end));
            trim(topic, partition, slot);
          }
        } catch {
          if (pending.length > 0) {
            // Batches before it are still being handled: it is delivered again with the first that failed.
            leavePending(end, Promise.reject(new Error('batch handler failed')));
            continue;
          }
          if (!running) break;
          await sleep(RETRY_AFTER_FAILURE_MS);
        }
      }
      // A loop that stops waits for the batches it left pending; those that settled in order are committed.
      await Promise.all(pending.map((b) => b.done));
      commitSettled();
    })();
    member.loops.set(slot, { stop, done });
  }

  private async stopLoops(member: Member, slots: string[], flush = false): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const slot of slots) {
      const loop = member.loops.get(slot);
      if (!loop) continue;
      member.loops.delete(slot);
      loop.stop(flush);
      pending.push(loop.done);
    }
    await Promise.all(pending);
  }

  private group(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { committed: new Map(), members: new Set() };
      this.groups.set(id, group);
    }
    return group;
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw busError('SLUICE_BUS_UNKNOWN_TOPIC', `unknown topic ${name}`);
    return topic;
  }

  private assertOpen(): void {
    if (this.closed) throw busError('SLUICE_BUS_CLOSED', 'the bus is closed');
  }
}

function busError(code: 'SLUICE_BUS_UNKNOWN_TOPIC' | 'SLUICE_BUS_CLOSED', message: string): SluiceError {
  return new SluiceError(code, message, { retriable: CORE_ERRORS[code].retriable });
}

/** Drops the oldest records of an unread partition once it holds twice {@link UNREAD_KEPT} (O(1) per record). */
function keepNewest(topic: Topic, partition: Partition): void {
  const drop = partition.records.length - UNREAD_KEPT;
  if (drop < UNREAD_KEPT) return;
  dropOldest(topic, partition, drop);
}

/** Drops the records of a partition that every group subscribed to its topic has committed. */
function trim(topic: Topic, partition: Partition, slot: string): void {
  let committedByAll = Infinity;
  for (const group of topic.groups) committedByAll = Math.min(committedByAll, group.committed.get(slot) ?? 0);
  const drop = committedByAll - partition.base;
  if (drop < TRIM_MIN || drop * 2 < partition.records.length) return;
  dropOldest(topic, partition, drop);
}

/**
 * Drops the `n` oldest records of a partition; a compacted topic keeps the latest of each key in `kept` (the
 * newest {@link COMPACTED_KEPT} keys), so a record there is replaced by a later one of its key.
 */
function dropOldest(topic: Topic, partition: Partition, n: number): void {
  const dropped = partition.records.splice(0, n);
  partition.base += n;
  if (!topic.spec.compacted) return;
  const kept = partition.kept;
  for (const record of dropped) {
    // Kafka refuses keyless records on a compacted topic; here each is its own key.
    const key = record.key ?? `\u0000${record.offset}`;
    kept.delete(key);
    kept.set(key, record);
  }
  for (const key of kept.keys()) {
    if (kept.size <= COMPACTED_KEPT) break;
    kept.delete(key);
  }
}

/** What a compacted partition kept from offset `from` on, in offset order, at most a batch. */
function keptFrom(partition: Partition, from: number): BusRecord[] {
  const batch: BusRecord[] = [];
  for (const record of partition.kept.values()) {
    if (Number(record.offset) < from) continue;
    batch.push(record);
    if (batch.length === MAX_BATCH) break;
  }
  return batch;
}
