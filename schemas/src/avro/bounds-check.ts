import avsc from 'avsc';
import type { Type, types } from 'avsc';

/**
 * Walks Avro binary written with one schema, without building values, and returns where the value ends.
 * avsc trusts every length and block count it reads, so a record claiming a billion array items would
 * stall or exhaust a consumer before failing; this walk rejects it first. Throws {@link BoundsError}.
 */
export type BoundsCheck = (bytes: Buffer, offset: number) => number;

/** The bytes cannot hold the value they announce. */
export class BoundsError extends Error {
  override readonly name = 'BoundsError';
}

interface Cursor {
  readonly buf: Buffer;
  pos: number;
}

type Walk = (c: Cursor) => void;

/** Caps blocks of items that encode to zero bytes (nulls, empty records), which the byte count cannot bound. */
const MAX_ZERO_BYTE_ITEMS = 65_536;

/** Compiles the bounds check for a writer schema, once. */
export function boundsCheck(type: Type): BoundsCheck {
  const walk = walker(type, new Map());
  return (buf, offset) => {
    const cursor = { buf, pos: offset };
    walk(cursor);
    return cursor.pos;
  };
}

function walker(type: Type, done: Map<Type, Walk>): Walk {
  const known = done.get(type);
  if (known) return known;
  if (avsc.Type.isType(type, 'record')) {
    const fields: Walk[] = [];
    const walk: Walk = (c) => {
      for (let i = 0; i < fields.length; i++) (fields[i] as Walk)(c);
    };
    done.set(type, walk); // before the fields, so a recursive schema refers back to it
    for (const f of (type as types.RecordType).fields) fields.push(walker(f.type, done));
    return walk;
  }
  const walk = nonRecordWalker(type, done);
  done.set(type, walk);
  return walk;
}

function nonRecordWalker(type: Type, done: Map<Type, Walk>): Walk {
  if (avsc.Type.isType(type, 'union')) {
    const branches = (type as types.UnwrappedUnionType).types.map((t) => walker(t, done));
    return (c) => {
      const branch = branches[readIndex(c, branches.length)];
      branch?.(c);
    };
  }
  if (avsc.Type.isType(type, 'array')) {
    const items = (type as types.ArrayType).itemsType;
    return blocks(walker(items, done), minBytes(items));
  }
  if (avsc.Type.isType(type, 'map')) {
    const values = (type as types.MapType).valuesType as Type;
    const value = walker(values, done);
    return blocks((c) => {
      skip(c, readLength(c));
      value(c);
    }, 1 + minBytes(values));
  }
  if (avsc.Type.isType(type, 'enum')) {
    const count = (type as types.EnumType).symbols.length;
    return (c) => void readIndex(c, count);
  }
  if (avsc.Type.isType(type, 'logical')) return walker((type as types.LogicalType).underlyingType, done);
  if (avsc.Type.isType(type, 'fixed')) {
    const size = (type as types.FixedType).size;
    return (c) => skip(c, size);
  }
  switch (type.typeName) {
    case 'null':
      return () => undefined;
    case 'boolean':
      return (c) => skip(c, 1);
    case 'int':
    case 'long':
      return (c) => void readLong(c);
    case 'float':
      return (c) => skip(c, 4);
    case 'double':
      return (c) => skip(c, 8);
    case 'string':
    case 'bytes':
      return (c) => skip(c, readLength(c));
    default:
      throw new Error(`no bounds check for Avro type ${type.typeName}`);
  }
}

function blocks(item: Walk, itemBytes: number): Walk {
  return (c) => {
    let total = 0;
    for (let count = readLong(c); count !== 0; count = readLong(c)) {
      if (count < 0) {
        count = -count;
        readLong(c); // the block's size in bytes, which the items bound anyway
      }
      total += count;
      const left = c.buf.length - c.pos;
      if (itemBytes > 0 ? count * itemBytes > left : total > MAX_ZERO_BYTE_ITEMS) {
        throw new BoundsError(`a block announces ${count} items but ${left} bytes are left`);
      }
      for (let i = 0; i < count; i++) item(c);
    }
  };
}

/** Smallest encoded size of a value of this type: what bounds a block count by the bytes left. */
function minBytes(type: Type, seen = new Set<Type>()): number {
  if (seen.has(type)) return 0;
  if (avsc.Type.isType(type, 'record')) {
    seen.add(type);
    const sum = (type as types.RecordType).fields.reduce((n, f) => n + minBytes(f.type, seen), 0);
    seen.delete(type);
    return sum;
  }
  if (avsc.Type.isType(type, 'union')) {
    return 1 + Math.min(...(type as types.UnwrappedUnionType).types.map((t) => minBytes(t, seen)));
  }
  if (avsc.Type.isType(type, 'fixed')) return (type as types.FixedType).size;
  const sizes: Record<string, number> = { null: 0, float: 4, double: 8 };
  return sizes[type.typeName] ?? 1;
}

function skip(c: Cursor, n: number): void {
  if (c.pos + n > c.buf.length) throw new BoundsError(`${n} bytes announced, ${c.buf.length - c.pos} left`);
  c.pos += n;
}

function readLength(c: Cursor): number {
  const n = readLong(c);
  if (n < 0) throw new BoundsError(`negative length ${n}`);
  return n;
}

function readIndex(c: Cursor, count: number): number {
  const i = readLong(c);
  if (i < 0 || i >= count) throw new BoundsError(`index ${i} out of ${count}`);
  return i;
}

/** Zig-zag varint, in float arithmetic so 64-bit values cannot overflow; at most 10 bytes. */
function readLong(c: Cursor): number {
  const { buf } = c;
  let n = 0;
  let scale = 1;
  let byte: number;
  const start = c.pos;
  do {
    if (c.pos >= buf.length) throw new BoundsError('truncated number');
    if (c.pos - start === 10) throw new BoundsError('number longer than 10 bytes');
    byte = buf[c.pos++] as number;
    n += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
}
