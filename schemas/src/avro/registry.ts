import type { Type } from 'avsc';
import type { EventType } from '../events.js';
import { SchemaError } from '../errors.js';
import { toAvroSchema, type AvroSchema } from './avro-schema.js';
import { boundsCheck, type BoundsCheck } from './bounds-check.js';
import { plainConverter, type ToPlain } from './plain.js';
import { readSchemaFiles } from './schema-files.js';

/** avsc's resolver from a writer schema to a reader schema. */
export type Resolver = ReturnType<Type['createResolver']>;

/** How to read bytes written with one schema: resolved to the current schema of the same event type. */
export interface ReadPlan {
  readonly writer: AvroSchema;
  readonly reader: AvroSchema;
  /** Absent when the writer is the current schema, which reads directly. */
  readonly resolver: Resolver | undefined;
  /** Rejects bytes whose lengths and counts exceed what they hold, before avsc allocates for them. */
  readonly check: BoundsCheck;
  readonly toPlain: ToPlain;
}

/** Every committed schema of every version, parsed once at load, ordered by event type then version. */
export const AVRO_SCHEMAS: readonly AvroSchema[] = Object.freeze(readSchemaFiles().map(toAvroSchema));

const current = new Map<EventType, AvroSchema>(AVRO_SCHEMAS.map((s) => [s.eventType, s]));
const plans = buildPlans();

/** The schema new events of `type` are written with (its highest committed version); undefined for an unknown type. */
export function currentSchema(type: EventType): AvroSchema | undefined {
  return current.get(type);
}

/** The read plan for bytes written with the schema of this fingerprint, if any committed schema has it. */
export function readPlan(fingerprint: bigint): ReadPlan | undefined {
  return plans.get(fingerprint);
}

function buildPlans(): Map<bigint, ReadPlan> {
  const built = new Map<bigint, ReadPlan>();
  const converters = new Map<AvroSchema, ToPlain>();
  for (const writer of AVRO_SCHEMAS) {
    const same = built.get(writer.fingerprint);
    if (same) {
      throw new SchemaError(
        'SLUICE_SCHEMA_LOAD_FAILED',
        `schema files: ${writer.path} has the same canonical form as ${same.writer.path}`,
      );
    }
    // readSchemaFiles returns a schema for every event type, so each writer has a current reader.
    const reader = current.get(writer.eventType) as AvroSchema;
    const toPlain = converters.get(reader) ?? plainConverter(reader.type);
    converters.set(reader, toPlain);
    built.set(writer.fingerprint, {
      writer,
      reader,
      resolver: writer === reader ? undefined : resolve(reader, writer),
      check: boundsCheck(writer.type),
      toPlain,
    });
  }
  return built;
}

function resolve(reader: AvroSchema, writer: AvroSchema): Resolver {
  try {
    return reader.type.createResolver(writer.type);
  } catch (cause) {
    throw new SchemaError('SLUICE_SCHEMA_LOAD_FAILED', `schema files: ${reader.path} cannot read ${writer.path}`, {
      cause,
    });
  }
}
