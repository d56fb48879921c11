import { describe, expect, it } from 'vitest';
import { StoredIds } from '../../src/store/stored-ids.js';

interface Row {
  id: string;
  time: string;
}

const row = (id: string, second: number): Row => ({ id, time: `2026-01-01 00:00:${String(second).padStart(2, '0')}.000` });
const ids = (rows: Row[]): string[] => rows.map((r) => r.id);
const make = (watermark: string | null, capacity = 100): StoredIds<Row> =>
  new StoredIds<Row>((r) => r.id, (r) => r.time, watermark, capacity);

describe('StoredIds', () => {
  it('vouches for rows newer than the watermark, and sends older or equal ones to a look-up', () => {
    const known = make(row('w', 10).time);
    const split = known.classify([row('a', 9), row('b', 10), row('c', 11)]);
    expect({ stored: ids(split.stored), unstored: ids(split.unstored), unsure: ids(split.unsure) }).toEqual({
      stored: [],
      unstored: ['c'],
      unsure: ['a', 'b'],
    });
  });

  it('knows the rows it remembered, whatever their time', () => {
    const known = make(row('w', 10).time);
    known.remember([row('a', 5), row('c', 20)]);
    const split = known.classify([row('a', 5), row('c', 20), row('d', 21)]);
    expect(ids(split.stored)).toEqual(['a', 'c']);
    expect(ids(split.unstored)).toEqual(['d']);
  });

  it("vouches for every row of an empty table ('') and for none when the watermark is unknown (null)", () => {
    expect(ids(make('').classify([row('a', 0)]).unstored)).toEqual(['a']);
    const shared = make(null);
    expect(ids(shared.classify([row('a', 59)]).unsure)).toEqual(['a']);
    shared.remember([row('a', 59)]);
    expect(ids(shared.classify([row('a', 59), row('b', 59)]).stored)).toEqual(['a']);
    expect(ids(shared.classify([row('b', 59)]).unsure)).toEqual(['b']);
  });

  it('raises the watermark to what it forgets, so a forgotten row is looked up rather than taken for new', () => {
    const known = make('', 2);
    known.remember([row('a', 30), row('b', 10), row('c', 20)]);
    expect(known.size).toBe(2);
    // 'a' (time 30) was evicted: the watermark is now 30, so 'a' and anything up to 30 not remembered is unsure.
    const split = known.classify([row('a', 30), row('b', 10), row('c', 20), row('d', 25), row('e', 31)]);
    expect({ stored: ids(split.stored), unstored: ids(split.unstored), unsure: ids(split.unsure) }).toEqual({
      stored: ['b', 'c'],
      unstored: ['e'],
      unsure: ['a', 'd'],
    });
  });

  it('after a failed insert, looks its rows up next time (they may be stored)', () => {
    const known = make(row('w', 10).time);
    known.distrust([row('a', 40), row('b', 30)]);
    const split = known.classify([row('a', 40), row('b', 30), row('c', 41)]);
    expect(ids(split.unsure)).toEqual(['a', 'b']);
    expect(ids(split.unstored)).toEqual(['c']);
  });

  it('holds no id twice', () => {
    const known = make('', 3);
    known.remember([row('a', 1), row('a', 1), row('b', 2)]);
    known.remember([row('a', 1)]);
    expect(known.size).toBe(2);
  });
});
