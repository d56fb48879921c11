import type { AvroSchema } from './avro/avro-schema.js';
import { checkAvro, decodeAvro, writeAvro } from './avro/binary.js';
import { fingerprintHex } from './avro/crc64.js';
import { AVRO_SCHEMAS, currentSchema, readPlan } from './avro/registry.js';
import { SchemaError } from './errors.js';
import { EVENT_TYPES, type EventType, type SluiceEvent } from './events.js';

/** Avro single-object encoding: two marker bytes, then the writer schema's 8-byte fingerprint, little-endian. */
const MAGIC = [0xc3, 0x01] as const;
const HEADER_BYTES = 10;

/** The schema version new events of each type are written with. */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<EventType, number>> = Object.freeze(
  Object.fromEntries(EVENT_TYPES.map((type) => [type, writerSchema(type).version])) as Record<EventType, number>,
);

const headers = new Map<EventType, Buffer>(
  AVRO_SCHEMAS.filter((s) => s === currentSchema(s.eventType)).map((s) => [s.eventType, header(s)]),
);

/**
 * The fingerprint of the schema events of `type` are written with, as 16 hex digits (most significant
 * first; the encoded bytes carry it little-endian).
 */
export function writerFingerprint(type: EventType): string {
  return fingerprintHex(writerSchema(type).fingerprint);
}

/**
 * Encodes an event with the current schema of its type, as Avro single-object encoding. The written
 * `schemaVersion` is always that schema's version, whatever the event says: the encoder is the writer.
 * `message` may be any Uint8Array. Throws SchemaError SLUICE_SCHEMA_ENCODE_INVALID, naming each field that
 * does not fit the schema.
 */
export function encodeEvent(event: SluiceEvent): Buffer {
  checkEvent(event);
  return encodeCheckedEvent(event);
}

/**
 * Throws what {@link encodeEvent} throws for an event that does not fit its schema, without encoding it: for a
 * producer that checks every event at once but may never need the bytes (see {@link encodeCheckedEvent}).
 */
export function checkEvent(event: SluiceEvent): void {
  const schema = writerSchema(event.type);
  checkAvro(schema, writable(event, schema));
}

/** {@link encodeEvent} of an event {@link checkEvent} accepted (and that has not changed since), without checking it again. */
export function encodeCheckedEvent(event: SluiceEvent): Buffer {
  const schema = writerSchema(event.type);
  const out = writeAvro(schema, writable(event, schema), HEADER_BYTES);
  (headers.get(schema.eventType) as Buffer).copy(out, 0);
  return out;
}

/**
 * Decodes an event written with any committed version of its type's schema, resolved to the current one;
 * `schemaVersion` tells which version wrote it, and `message` comes back as a Buffer. Throws SchemaError
 * SLUICE_SCHEMA_BAD_MAGIC (not single-object encoding), SLUICE_SCHEMA_UNKNOWN_FINGERPRINT (no committed
 * schema wrote it) or SLUICE_SCHEMA_DECODE_FAILED (truncated or unreadable); consumers dead-letter those.
 */
export function decodeEvent(bytes: Uint8Array): SluiceEvent {
  if (!(bytes instanceof Uint8Array)) throw new SchemaError('SLUICE_SCHEMA_BAD_MAGIC', 'not bytes');
  const buf = toBuffer(bytes);
  if (buf.length < MAGIC.length || buf[0] !== MAGIC[0] || buf[1] !== MAGIC[1]) {
    throw new SchemaError('SLUICE_SCHEMA_BAD_MAGIC', 'not an Avro single-object encoded event');
  }
  if (buf.length < HEADER_BYTES) {
    throw new SchemaError('SLUICE_SCHEMA_DECODE_FAILED', `truncated header: ${buf.length} of ${HEADER_BYTES} bytes`);
  }
  const fingerprint = buf.readBigUInt64LE(MAGIC.length);
  const plan = readPlan(fingerprint);
  if (!plan) {
    throw new SchemaError(
      'SLUICE_SCHEMA_UNKNOWN_FINGERPRINT',
      `no committed schema has fingerprint ${fingerprintHex(fingerprint)}`,
    );
  }
  const event = decodeAvro(plan, buf, HEADER_BYTES) as SluiceEvent;
  if (event.type !== plan.writer.eventType || event.schemaVersion !== plan.writer.version) {
    throw new SchemaError(
      'SLUICE_SCHEMA_DECODE_FAILED',
      `${plan.writer.path} data claims to be ${String(event.type)} version ${String(event.schemaVersion)}`,
    );
  }
  return event;
}

function writerSchema(type: EventType): AvroSchema {
  const schema = currentSchema(type);
  if (!schema) throw new SchemaError('SLUICE_SCHEMA_ENCODE_INVALID', `unknown event type ${String(type)}`);
  return schema;
}

/** The event as written: the schema's version, `message` as a Buffer (a copy of the envelope only when needed). */
function writable(event: SluiceEvent, schema: AvroSchema): SluiceEvent {
  const message = event.message;
  if (event.schemaVersion === schema.version && (message === null || Buffer.isBuffer(message))) return event;
  return { ...event, schemaVersion: schema.version, message: toBuffer(message) } as SluiceEvent;
}

function header(schema: AvroSchema): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.set(MAGIC);
  out.writeBigUInt64LE(schema.fingerprint, MAGIC.length);
  return out;
}

/** A Buffer over the same memory (avsc reads and writes Buffers only). */
function toBuffer(bytes: Uint8Array): Buffer;
function toBuffer(bytes: Uint8Array | null): Buffer | null;
function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes instanceof Uint8Array && !Buffer.isBuffer(bytes)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return bytes as Buffer | null;
}
