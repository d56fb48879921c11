import { readFileSync, readdirSync } from 'node:fs';
import type { Type, types } from 'avsc';
import { describe, expect, it } from 'vitest';
import { AVRO_SCHEMAS, currentSchema } from '../src/avro/registry.js';
import { decodeEvent, type EventType } from '../src/index.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

interface Fixture {
  name: string;
  eventType: EventType;
  version: number;
  bytes: Buffer;
  expected: unknown;
}

/** Fixture JSON writes bytes as {"$base64": ...}. */
function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first?.[0] === '$base64') return Buffer.from(String(first[1]), 'base64');
    return Object.fromEntries(entries.map(([k, v]) => [k, fromJson(v)]));
  }
  return value;
}

function readFixtures(): Fixture[] {
  return readdirSync(FIXTURES).flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, FIXTURES))
      .filter((file) => file.endsWith('.bin'))
      .map((file) => {
        const eventType = file.slice(0, -'.bin'.length) as EventType;
        const json = readFileSync(new URL(`${dir}/${eventType}.json`, FIXTURES), 'utf8');
        return {
          name: `${dir}/${file}`,
          eventType,
          version: Number(dir.slice(1)),
          bytes: readFileSync(new URL(`${dir}/${file}`, FIXTURES)),
          expected: fromJson(JSON.parse(json)),
        };
      }),
  );
}

/** The expected value restricted to the fields a newer reader still has (fields it added hold their defaults). */
function project(value: unknown, reader: Type): unknown {
  if (reader.typeName === 'record' && value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = (reader as types.RecordType).fields.filter((f) => f.name in record);
    return Object.fromEntries(fields.map((f) => [f.name, project(record[f.name], f.type)]));
  }
  if (reader.typeName.startsWith('union') && value !== null) {
    const branch = (reader as types.UnwrappedUnionType).types.find((t) => t.typeName !== 'null');
    return branch ? project(value, branch) : value;
  }
  if (reader.typeName === 'array' && Array.isArray(value)) {
    return value.map((item) => project(item, (reader as types.ArrayType).itemsType));
  }
  return value;
}

const fixtures = readFixtures();

describe('committed fixtures', () => {
  it('exist for every committed schema of every version', () => {
    const missing = AVRO_SCHEMAS.filter(
      (s) => !fixtures.some((f) => f.eventType === s.eventType && f.version === s.version),
    ).map((s) => s.path);
    expect(missing).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s carries the fingerprint of the schema it is filed under', (_, f) => {
    const schema = AVRO_SCHEMAS.find((s) => s.eventType === f.eventType && s.version === f.version);
    expect(schema).toBeDefined();
    expect(f.bytes.readBigUInt64LE(2)).toBe(schema?.fingerprint);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s decodes with the current reader to its expected value', (_, f) => {
    const reader = currentSchema(f.eventType);
    if (!reader) throw new Error(`no current schema for ${f.eventType}`);
    const decoded = decodeEvent(f.bytes);
    if (reader.version === f.version) expect(decoded).toStrictEqual(f.expected);
    else expect(decoded).toMatchObject(project(f.expected, reader.type) as object);
    expect(decoded.schemaVersion).toBe(f.version);
  });
});
