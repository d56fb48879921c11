import { describe, expect, it } from 'vitest';
import { parseAvroType } from '../../src/avro/avro-schema.js';
import { BoundsError, boundsCheck } from '../../src/avro/bounds-check.js';

/** One field of every Avro type, so every walker is exercised; the null field is not last, so no prefix is whole. */
const EVERYTHING = parseAvroType({
  type: 'record',
  name: 'Everything',
  fields: [
    { name: 'n', type: 'null' },
    { name: 'b', type: 'boolean' },
    { name: 'i', type: 'int' },
    { name: 'l', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'bytes', type: 'bytes' },
    { name: 's', type: 'string' },
    { name: 'fixed', type: { type: 'fixed', name: 'Four', size: 4 } },
    { name: 'e', type: { type: 'enum', name: 'Color', symbols: ['red', 'green'] } },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'x', type: 'int' }] } } },
    { name: 'm', type: { type: 'map', values: 'long' } },
    { name: 'u', type: ['null', 'Item'] },
    { name: 'last', type: 'string' },
  ],
});

const value = {
  n: null,
  b: true,
  i: -5,
  l: 1_760_000_000_000,
  f: 1.5,
  d: 2.25,
  bytes: Buffer.from([1, 2, 3]),
  s: 'héllo',
  fixed: Buffer.from([9, 8, 7, 6]),
  e: 'green',
  items: [{ x: 1 }, { x: 2 }],
  m: { a: 1, b: -2 },
  u: { x: 3 },
  last: 'end',
};

describe('boundsCheck', () => {
  const check = boundsCheck(EVERYTHING);
  const bytes = EVERYTHING.toBuffer(value);

  it('walks a valid value of every Avro type to its end', () => {
    expect(check(bytes, 0)).toBe(bytes.length);
    expect(check(Buffer.concat([Buffer.from([0xaa]), bytes]), 1)).toBe(bytes.length + 1);
  });

  it('rejects every truncation', () => {
    for (let length = 0; length < bytes.length; length++) {
      expect(() => check(bytes.subarray(0, length), 0)).toThrow(BoundsError);
    }
  });

  it('accepts array blocks written with a negative count and a byte size', () => {
    const ints = boundsCheck(parseAvroType({ type: 'array', items: 'int' }));
    // count -2 (zig-zag 0x03), block size 2 bytes, items 1 and 2, end of array.
    expect(ints(Buffer.from([0x03, 0x04, 0x02, 0x04, 0x00]), 0)).toBe(5);
  });

  it.each([
    ['a block count beyond the bytes left', { type: 'array', items: 'string' }, [0x80, 0xa8, 0xd6, 0xb9, 0x07]],
    ['a negative string length', 'string', [0x01]],
    ['a union index out of range', ['null', 'string'], [0x04]],
    ['an enum index out of range', { type: 'enum', name: 'E', symbols: ['a'] }, [0x02]],
    ['a number longer than 10 bytes', 'long', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['too many zero-byte items', { type: 'array', items: 'null' }, [0x80, 0x80, 0x10, 0x00]],
  ])('rejects %s', (_, schema, data) => {
    expect(() => boundsCheck(parseAvroType(schema))(Buffer.from(data), 0)).toThrow(BoundsError);
  });
});
