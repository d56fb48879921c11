import type { Type, types } from 'avsc';
import { describe, expect, it } from 'vitest';
import { encodeAvro } from '../src/avro/binary.js';
import { crc64Avro } from '../src/avro/crc64.js';
import { currentSchema } from '../src/avro/registry.js';
import {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  SchemaError,
  decodeEvent,
  encodeEvent,
  writerFingerprint,
  type EventType,
  type SluiceEvent,
} from '../src/index.js';
import { FULL_SAMPLES } from './samples.js';

function schemaOf(type: EventType): Type {
  const schema = currentSchema(type);
  if (!schema) throw new Error(`no schema for ${type}`);
  return schema.type;
}

/** Where the schema's record fields and the sample's keys differ, recursing into nested records. */
function shapeMismatches(type: Type, value: unknown, path: string): string[] {
  if (type.typeName === 'record') {
    const record = value as Record<string, unknown>;
    const fields = (type as types.RecordType).fields;
    const declared = fields.map((f) => f.name).sort();
    const keys = Object.keys(record).sort();
    const here = declared.join() === keys.join() ? [] : [`${path}: schema [${declared.join()}] vs TS [${keys.join()}]`];
    return [...here, ...fields.flatMap((f) => shapeMismatches(f.type, record[f.name], `${path}.${f.name}`))];
  }
  if (type.typeName.startsWith('union')) {
    if (value === null) return [`${path} is null in the sample, so its shape goes unchecked`];
    const branch = (type as types.UnwrappedUnionType).types.find((t) => t.typeName !== 'null') as Type;
    return shapeMismatches(branch, value, path);
  }
  if (type.typeName === 'array') {
    const items = value as unknown[];
    if (items.length === 0) return [`${path} is empty in the sample, so its items go unchecked`];
    return shapeMismatches((type as types.ArrayType).itemsType, items[0], `${path}[0]`);
  }
  return [];
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return (error as SchemaError).code;
  }
  throw new Error('expected a SchemaError');
}

const clientMessage = FULL_SAMPLES['client.message'];

describe('TypeScript types match the committed schemas', () => {
  it.each(EVENT_TYPES)('%s: a sample with every field set survives encode and decode unchanged', (type) => {
    const sample: SluiceEvent = FULL_SAMPLES[type];
    expect(decodeEvent(encodeEvent(sample))).toStrictEqual(sample);
  });

  it.each(EVENT_TYPES)('%s: the schema declares exactly the fields of the TypeScript type', (type) => {
    expect(shapeMismatches(schemaOf(type), FULL_SAMPLES[type], type)).toEqual([]);
  });

  it('nullable fields set to null come back null', () => {
    const sparse: SluiceEvent = {
      ...FULL_SAMPLES['backend.message'],
      principal: { user: null, agent: null, roles: [], scopes: [], environment: null, authMethod: null, tokenId: null },
      sessionId: null,
      requestId: null,
      ingressNode: null,
      replyPartition: null,
      traceparent: null,
      tracestate: null,
      message: null,
      body: {
        terminal: false,
        outcome: null,
        errorCode: null,
        method: null,
        jsonrpcId: null,
        server: null,
        tool: null,
        policyRevision: null,
        requestTime: null,
        requestBytes: null,
        latencyMs: null,
        redaction: null,
      },
    };
    expect(decodeEvent(encodeEvent(sparse))).toStrictEqual(sparse);
  });
});

describe('encodeEvent', () => {
  it('writes Avro single-object encoding with the current writer fingerprint', () => {
    const bytes = encodeEvent(clientMessage);
    const schema = currentSchema('client.message');
    expect([...bytes.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    expect(bytes.readBigUInt64LE(2)).toBe(crc64Avro(schema?.canonicalForm ?? ''));
    expect(writerFingerprint('client.message')).toBe(bytes.readBigUInt64LE(2).toString(16).padStart(16, '0'));
  });

  it('writes the current schema version whatever the event claims', () => {
    const decoded = decodeEvent(encodeEvent({ ...clientMessage, schemaVersion: 99 }));
    expect(decoded.schemaVersion).toBe(CURRENT_SCHEMA_VERSION['client.message']);
  });

  it('accepts a message that is a plain Uint8Array view into a larger buffer', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const decoded = decodeEvent(encodeEvent({ ...clientMessage, message: backing.subarray(2, 5) }));
    expect([...(decoded.message ?? [])]).toEqual([1, 2, 3]);
  });

  it('round-trips a message larger than the encoder scratch buffer', () => {
    const message = Buffer.alloc(200_000, 0x61);
    const decoded = decodeEvent(encodeEvent({ ...clientMessage, message })).message;
    expect(decoded && message.equals(decoded)).toBe(true);
  });

  it('leaves the event it is given unchanged', () => {
    const event = structuredClone({ ...clientMessage, schemaVersion: 5, message: new Uint8Array([1, 2]) });
    const before = structuredClone(event);
    encodeEvent(event);
    expect(event).toStrictEqual(before);
  });

  it.each([
    ['a missing field', { ...clientMessage, tenant: undefined }, /tenant/],
    ['a mistyped field', { ...clientMessage, time: '2025-01-01' }, /time is string/],
    ['a fractional long', { ...FULL_SAMPLES['backend.message'], body: { ...FULL_SAMPLES['backend.message'].body, latencyMs: 1.5 } }, /latencyMs/],
    ['a field the schema lacks', { ...clientMessage, body: { ...clientMessage.body, extra: 1 } }, /body has fields the schema lacks: extra/],
    ['an unknown event type', { ...clientMessage, type: 'client.shout' }, /unknown event type client\.shout/],
  ])('rejects %s with SLUICE_SCHEMA_ENCODE_INVALID naming the problem', (_, event, message) => {
    expect(() => encodeEvent(event as unknown as SluiceEvent)).toThrow(message);
    expect(codeOf(() => encodeEvent(event as unknown as SluiceEvent))).toBe('SLUICE_SCHEMA_ENCODE_INVALID');
  });
});

describe('decodeEvent', () => {
  const bytes = encodeEvent(clientMessage);

  it('decodes a plain Uint8Array as well as a Buffer', () => {
    expect(decodeEvent(new Uint8Array(bytes))).toStrictEqual(clientMessage);
  });

  it('returns a message that does not change when the input buffer is reused', () => {
    const input = Buffer.from(bytes);
    const decoded = decodeEvent(input);
    input.fill(0);
    expect(decoded.message).toStrictEqual(clientMessage.message);
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['a JSON-RPC message', Buffer.from('{"jsonrpc":"2.0"}')],
    ['a wrong marker', Buffer.concat([Buffer.from([0xc3, 0x02]), bytes.subarray(2)])],
  ])('rejects %s with SLUICE_SCHEMA_BAD_MAGIC', (_, input) => {
    expect(codeOf(() => decodeEvent(input))).toBe('SLUICE_SCHEMA_BAD_MAGIC');
  });

  it('rejects a fingerprint no committed schema has with SLUICE_SCHEMA_UNKNOWN_FINGERPRINT', () => {
    const unknown = Buffer.from(bytes);
    unknown[5] = (unknown[5] ?? 0) ^ 0xff;
    expect(codeOf(() => decodeEvent(unknown))).toBe('SLUICE_SCHEMA_UNKNOWN_FINGERPRINT');
  });

  it.each(EVENT_TYPES)('%s: rejects every truncation with SLUICE_SCHEMA_DECODE_FAILED', (type) => {
    const full = encodeEvent(FULL_SAMPLES[type]);
    const codes = new Set<string>();
    for (let length = 2; length < full.length; length++) codes.add(codeOf(() => decodeEvent(full.subarray(0, length))));
    expect([...codes]).toEqual(['SLUICE_SCHEMA_DECODE_FAILED']);
  });

  it('rejects bytes after the value with SLUICE_SCHEMA_DECODE_FAILED', () => {
    expect(codeOf(() => decodeEvent(Buffer.concat([bytes, Buffer.from([0])])))).toBe('SLUICE_SCHEMA_DECODE_FAILED');
  });

  it('rejects an array claiming a billion items at once, without allocating for them', () => {
    // principal.roles = ['dev', 'ops'] is encoded as count 2 (zig-zag 0x04), then 3 'dev', 3 'ops', then 0.
    const roles = Buffer.from([0x04, 0x06, ...Buffer.from('dev'), 0x06, ...Buffer.from('ops'), 0x00]);
    const at = bytes.indexOf(roles);
    expect(at).toBeGreaterThan(0);
    const billion = Buffer.from([0x80, 0xa8, 0xd6, 0xb9, 0x07]); // zig-zag varint of 1e9
    const poisoned = Buffer.concat([bytes.subarray(0, at), billion, bytes.subarray(at + 1)]);
    expect(() => decodeEvent(poisoned)).toThrow(/1000000000 items/);
  });

  it('rejects data whose type field contradicts the schema that wrote it', () => {
    const schema = currentSchema('session.closed');
    if (!schema) throw new Error('no session.closed schema');
    const lying = encodeAvro(schema, { ...FULL_SAMPLES['session.closed'], type: 'session.opened' }, 10);
    encodeEvent(FULL_SAMPLES['session.closed']).copy(lying, 0, 0, 10);
    expect(codeOf(() => decodeEvent(lying))).toBe('SLUICE_SCHEMA_DECODE_FAILED');
  });
});
