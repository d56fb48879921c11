import { describe, expect, it } from 'vitest';
import { parseAvroType } from '../../src/avro/avro-schema.js';
import { plainConverter } from '../../src/avro/plain.js';

const TYPE = parseAvroType({
  type: 'record',
  name: 'Outer',
  fields: [
    { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] } },
    { name: 'list', type: { type: 'array', items: 'Inner' } },
    { name: 'byName', type: { type: 'map', values: 'Inner' } },
    { name: 'maybe', type: ['null', 'Inner'] },
    { name: 'data', type: ['null', 'bytes'] },
  ],
});

function prototypes(value: unknown, found = new Set<unknown>()): Set<unknown> {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    found.add(Object.getPrototypeOf(value));
    for (const child of Object.values(value)) prototypes(child, found);
  }
  return found;
}

describe('plainConverter', () => {
  const toPlain = plainConverter(TYPE);
  const value = {
    inner: { x: 1 },
    list: [{ x: 2 }, { x: 3 }],
    byName: { a: { x: 4 } },
    maybe: { x: 5 },
    data: Buffer.from([1]),
  };

  it('turns avsc records at every depth into plain objects with the same content', () => {
    const decoded = TYPE.fromBuffer(TYPE.toBuffer(value));
    expect(prototypes(decoded)).not.toEqual(new Set([Object.prototype, Array.prototype]));
    const plain = toPlain(decoded);
    expect(plain).toStrictEqual(value);
    expect(prototypes(plain)).toEqual(new Set([Object.prototype, Array.prototype]));
  });

  it('keeps nulls and buffers as they are', () => {
    const sparse = { ...value, maybe: null, data: null };
    expect(toPlain(TYPE.fromBuffer(TYPE.toBuffer(sparse)))).toStrictEqual(sparse);
  });
});
