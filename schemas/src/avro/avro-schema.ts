import avsc from 'avsc';
import type { Schema, Type } from 'avsc';
import type { EventType } from '../events.js';
import { SchemaError } from '../errors.js';
import { crc64Avro } from './crc64.js';
import type { SchemaFile } from './schema-files.js';

/** One version of one event type's schema, parsed once. */
export interface AvroSchema {
  readonly eventType: EventType;
  readonly version: number;
  readonly path: string;
  readonly type: Type;
  /** Parsing Canonical Form, the input of the fingerprint. */
  readonly canonicalForm: string;
  /** CRC-64-AVRO of the canonical form. */
  readonly fingerprint: bigint;
}

/**
 * Parses an Avro schema the way Sluice reads every event: `["null", x]` unions are plain values or null,
 * records are objects without methods.
 */
export function parseAvroType(schema: unknown): Type {
  // avsc writes into the options object it is given, so each parse gets its own.
  return avsc.Type.forSchema(schema as Schema, { wrapUnions: false, omitRecordMethods: true });
}

/** Parses one committed schema file and computes its fingerprint. */
export function toAvroSchema(file: SchemaFile): AvroSchema {
  let type: Type;
  try {
    type = parseAvroType(file.json);
  } catch (cause) {
    throw new SchemaError('SLUICE_SCHEMA_LOAD_FAILED', `schema files: ${file.path} is not a valid Avro schema`, {
      cause,
    });
  }
  // avsc's schema() without options is the Parsing Canonical Form; a test holds it to the Avro test vectors.
  const canonicalForm = JSON.stringify(type.schema());
  return {
    eventType: file.eventType,
    version: file.version,
    path: file.path,
    type,
    canonicalForm,
    fingerprint: crc64Avro(canonicalForm),
  };
}
