import { describe, expect, it } from 'vitest';
import type { AuditBatch } from '../../src/rows/audit-batch.js';
import type { EventRow } from '../../src/rows/event-row.js';
import { BatchWriter } from '../../src/sink/batch-writer.js';

const rows = (...ids: string[]): AuditBatch => ({ events: ids.map((id) => ({ event_id: id }) as EventRow), calls: [] });
const ids = (batch: AuditBatch): string[] => batch.events.map((r) => r.event_id);
const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

/** A write the test finishes by hand. */
function manualWrites(): { writes: AuditBatch[]; finish(i: number, err?: Error): void; write(batch: AuditBatch): Promise<void> } {
  const writes: AuditBatch[] = [];
  const ends: Array<(err?: Error) => void> = [];
  return {
    writes,
    finish: (i, err) => ends[i]!(err),
    write: (batch) =>
      new Promise<void>((resolve, reject) => {
        writes.push(batch);
        ends.push((err) => (err ? reject(err) : resolve()));
      }),
  };
}

describe('BatchWriter', () => {
  it('writes the rows of concurrent handlers together, and resolves each only once they are stored', async () => {
    const io = manualWrites();
    const writer = new BatchWriter({ maxRows: 100, maxMs: 20, write: io.write });
    const a = writer.add(rows('a1', 'a2'));
    const b = writer.add(rows('b1'));
    expect(io.writes).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(io.writes.map(ids)).toEqual([['a1', 'a2', 'b1']]);
    expect(await settled(a)).toBe(false);
    io.finish(0);
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
  });

  it('writes as soon as maxWaiters handlers wait, since no other can add rows before the write', async () => {
    const io = manualWrites();
    const writer = new BatchWriter({ maxRows: 100, maxMs: 60_000, maxWaiters: 3, write: io.write });
    const a = writer.add(rows('a1'));
    const b = writer.add(rows('b1', 'b2'));
    expect(io.writes).toHaveLength(0);
    const c = writer.add(rows('c1'));
    expect(io.writes.map(ids)).toEqual([['a1', 'b1', 'b2', 'c1']]);
    // Handlers released by the write come back with more rows: they wait for the next three, or the timer.
    const d = writer.add(rows('d1'));
    const e = writer.add(rows('e1'));
    io.finish(0);
    await Promise.all([a, b, c]);
    await new Promise((r) => setImmediate(r));
    expect(io.writes).toHaveLength(1);
    const f = writer.add(rows('f1'));
    expect(io.writes.map(ids)[1]).toEqual(['d1', 'e1', 'f1']);
    io.finish(1);
    await expect(Promise.all([d, e, f])).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('writes as soon as maxRows rows wait, and queues the next rows behind the write in flight', async () => {
    const io = manualWrites();
    const writer = new BatchWriter({ maxRows: 3, maxMs: 60_000, write: io.write });
    const a = writer.add(rows('a1', 'a2', 'a3'));
    expect(io.writes.map(ids)).toEqual([['a1', 'a2', 'a3']]);
    const b = writer.add(rows('b1', 'b2', 'b3'));
    const c = writer.add(rows('c1'));
    expect(io.writes).toHaveLength(1);
    io.finish(0);
    await a;
    await new Promise((r) => setImmediate(r));
    expect(io.writes.map(ids)[1]).toEqual(['b1', 'b2', 'b3', 'c1']);
    expect(await settled(b)).toBe(false);
    io.finish(1);
    await Promise.all([b, c]);
  });

  it('rejects every handler of a failed write, and writes later rows afresh', async () => {
    const io = manualWrites();
    const writer = new BatchWriter({ maxRows: 2, maxMs: 60_000, write: io.write });
    const a = writer.add(rows('a1'));
    const b = writer.add(rows('b1'));
    io.finish(0, new Error('insert failed'));
    await expect(a).rejects.toThrow('insert failed');
    await expect(b).rejects.toThrow('insert failed');
    const again = writer.add(rows('a1', 'b1'));
    io.finish(1);
    await again;
    expect(io.writes.map(ids)).toEqual([
      ['a1', 'b1'],
      ['a1', 'b1'],
    ]);
  });

  it('drain writes waiting rows at once, then refuses rows once closed', async () => {
    const writes: string[][] = [];
    const writer = new BatchWriter({ maxRows: 1_000, maxMs: 60_000, write: async (batch) => void writes.push(ids(batch)) });
    const a = writer.add(rows('a1'));
    await writer.drain();
    await a;
    expect(writes).toEqual([['a1']]);
    await writer.add(rows('b1'));
    expect(writes).toEqual([['a1'], ['b1']]);
    writer.close();
    await expect(writer.add(rows('c1'))).rejects.toMatchObject({ code: 'SLUICE_AUDIT_STORE_CLOSED' });
  });

  describe('keeping the rows', () => {
    const keeping = (io: { write(batch: AuditBatch): Promise<void> }, lost: AuditBatch[] = [], maxHeldRows = 100): BatchWriter =>
      new BatchWriter({ maxRows: 3, maxMs: 60_000, keep: { maxHeldRows, retryMs: 30, lost: (batch) => void lost.push(batch) }, write: io.write });

    it('resolves add as soon as it holds the rows, and writes them as before', async () => {
      const io = manualWrites();
      const writer = keeping(io);
      await writer.add(rows('a1'));
      await writer.add(rows('b1', 'b2'));
      expect(io.writes.map(ids)).toEqual([['a1', 'b1', 'b2']]);
      expect(writer.waitingRows).toBe(3);
      io.finish(0);
      await new Promise((r) => setImmediate(r));
      expect(writer.waitingRows).toBe(0);
    });

    it('writes the rows of a failed write again after retryMs, ahead of the rows that came since', async () => {
      const io = manualWrites();
      const writer = keeping(io);
      await writer.add(rows('a1', 'a2', 'a3'));
      await writer.add(rows('b1'));
      io.finish(0, new Error('insert failed'));
      await new Promise((r) => setImmediate(r));
      // Not at once, though more than maxRows wait: the retry waits out retryMs.
      await writer.add(rows('c1'));
      expect(io.writes).toHaveLength(1);
      expect(writer.waitingRows).toBe(5);
      await new Promise((r) => setTimeout(r, 60));
      expect(io.writes.map(ids)[1]).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
      io.finish(1);
      await new Promise((r) => setImmediate(r));
      expect(writer.waitingRows).toBe(0);
    });

    it('holds add while more than maxHeldRows wait, until a write brings them under', async () => {
      const io = manualWrites();
      const writer = keeping(io, [], 4);
      await writer.add(rows('a1', 'a2', 'a3'));
      await writer.add(rows('b1'));
      const held = writer.add(rows('c1'));
      expect(await settled(held)).toBe(false);
      io.finish(0);
      await held;
      expect(writer.waitingRows).toBe(2);
    });

    it('while draining, gives up the rows of a failed write to lost() instead of retrying', async () => {
      const io = manualWrites();
      const lost: AuditBatch[] = [];
      const writer = keeping(io, lost);
      await writer.add(rows('a1'));
      const drained = writer.drain();
      io.finish(0, new Error('insert failed'));
      await drained;
      expect(lost.map(ids)).toEqual([['a1']]);
      expect(writer.waitingRows).toBe(0);
    });
  });
});

