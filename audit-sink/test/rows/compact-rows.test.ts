import { describe, expect, it } from 'vitest';
import { toAuditBatch } from '../../src/rows/audit-batch.js';
import { CALL_COLUMNS, EVENT_COLUMNS, encodeCallRows, encodeEventRows, prepareLines } from '../../src/rows/compact-rows.js';
import { oneOfEach } from '../support.js';

const batch = toAuditBatch(
  oneOfEach('s-1', 'r-1').map((event, i) => ({
    event,
    record: { topic: 'sluice.requests', partition: 1, offset: String(i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
  })),
);

describe('JSONCompactEachRow encoding', () => {
  it('names every field of the rows, once', () => {
    expect([...EVENT_COLUMNS].sort()).toEqual(Object.keys(batch.events[0]!).sort());
    expect([...CALL_COLUMNS].sort()).toEqual(Object.keys(batch.calls[0]!).sort());
  });

  it('writes one JSON array per row, its values in column order', () => {
    const lines = (text: Buffer) => text.toString('utf8').split('\n');
    const events = lines(encodeEventRows(batch.events));
    expect(events).toHaveLength(batch.events.length + 1);
    expect(events.at(-1)).toBe('');
    batch.events.forEach((row, i) => expect(JSON.parse(events[i]!)).toEqual(EVENT_COLUMNS.map((c) => row[c])));
    const calls = lines(encodeCallRows(batch.calls));
    expect(JSON.parse(calls[0]!)).toEqual(CALL_COLUMNS.map((c) => batch.calls[0]![c]));
  });

  it('writes the lines made when the rows were prepared, and keeps them out of the rows\' JSON', () => {
    const rows = toAuditBatch(
      oneOfEach('s-2', 'r-2').map((event, i) => ({
        event,
        record: { topic: 'sluice.requests', partition: 2, offset: String(i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
      })),
    );
    const fresh = encodeEventRows(rows.events).toString('utf8');
    prepareLines(rows);
    // A line is made once: changing a prepared row no longer changes what is written.
    const first = rows.events[0]!;
    first.tenant = 'changed after prepare';
    expect(encodeEventRows(rows.events).toString('utf8')).toBe(fresh);
    expect(Object.keys(JSON.parse(JSON.stringify(first))).sort()).toEqual([...EVENT_COLUMNS].sort());
    // The texts now live in the line only, off the heap: a waiting row no longer holds them.
    expect(rows.events.some((r) => r.message.length > 0)).toBe(false);
    expect(rows.events.every((r) => r.payload === '')).toBe(true);
    expect(fresh).toContain(JSON.stringify(batch.events.find((r) => r.message !== '')!.message));
    expect(JSON.parse(encodeCallRows(rows.calls).toString('utf8').split('\n')[0]!)).toEqual(CALL_COLUMNS.map((c) => rows.calls[0]![c]));
  });
});
