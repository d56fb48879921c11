import type { Type } from 'avsc';
import { SchemaError } from '../errors.js';
import type { AvroSchema } from './avro-schema.js';
import type { ReadPlan } from './registry.js';

const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/**
 * Avro binary of `value` under `schema`, in a new buffer that starts with `reserve` bytes left for the
 * caller's header (uninitialised: the caller fills them). Throws SLUICE_SCHEMA_ENCODE_INVALID when the value
 * does not fit the schema, including fields the schema does not declare, which would otherwise be dropped.
 */
export function encodeAvro(schema: AvroSchema, value: unknown, reserve: number): Buffer {
  checkAvro(schema, value);
  return writeAvro(schema, value, reserve);
}

/** Throws SLUICE_SCHEMA_ENCODE_INVALID, as {@link encodeAvro} does, when `value` does not fit `schema`. */
export function checkAvro(schema: AvroSchema, value: unknown): void {
  if (!schema.type.isValid(value, { noUndeclaredFields: true })) throw invalidValue(schema, value);
}

/** {@link encodeAvro} of a value {@link checkAvro} accepted, without checking it again. */
export function writeAvro(schema: AvroSchema, value: unknown, reserve: number): Buffer {
  const { type } = schema;
  const end = type.encode(value, scratch, reserve);
  if (end < 0) {
    // Too big for the scratch buffer: avsc reported how many bytes it needs, so encode into an exact fit.
    const out = Buffer.allocUnsafe(scratch.length - end);
    type.encode(value, out, reserve);
    return out;
  }
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, reserve, reserve, end);
  return out;
}

/**
 * Reads the Avro binary from `offset` to the end of `bytes` with the plan's writer schema, resolved to its
 * reader schema, as plain objects. Throws SLUICE_SCHEMA_DECODE_FAILED when the bytes are truncated, too long
 * or unreadable.
 */
export function decodeAvro(plan: ReadPlan, bytes: Buffer, offset: number): unknown {
  let decoded: { value: unknown; offset: number };
  try {
    const end = plan.check(bytes, offset);
    if (end !== bytes.length) throw new Error(`${bytes.length - end} bytes after the value`);
    decoded = plan.reader.type.decode(bytes, offset, plan.resolver);
  } catch (cause) {
    throw decodeFailed(plan, `${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (decoded.offset < 0) throw decodeFailed(plan, 'truncated data');
  if (decoded.offset !== bytes.length) throw decodeFailed(plan, `${bytes.length - decoded.offset} bytes after the value`);
  return plan.toPlain(decoded.value);
}

function decodeFailed(plan: ReadPlan, reason: string, cause?: unknown): SchemaError {
  return new SchemaError('SLUICE_SCHEMA_DECODE_FAILED', `cannot read ${plan.writer.path} data: ${reason}`, { cause });
}

function invalidValue(schema: AvroSchema, value: unknown): SchemaError {
  const problems = new Set<string>();
  // Once for mistyped fields (the strict pass stops at a record with extra fields), once for extra fields.
  for (const noUndeclaredFields of [false, true]) {
    schema.type.isValid(value, {
      noUndeclaredFields,
      errorHook: (path, found, type) => problems.add(describeProblem(path, found, type)),
    });
  }
  return new SchemaError(
    'SLUICE_SCHEMA_ENCODE_INVALID',
    `value does not fit ${schema.path}: ${[...problems].join('; ') || 'invalid'}`,
  );
}

function describeProblem(path: string[], found: unknown, type: Type): string {
  const where = path.length ? path.join('.') : '(event)';
  const declared = 'fields' in type ? (type.fields as readonly { name: string }[]).map((f) => f.name) : undefined;
  if (declared && found !== null && typeof found === 'object' && !Array.isArray(found)) {
    const extra = Object.keys(found).filter((k) => !declared.includes(k));
    if (extra.length) return `${where} has fields the schema lacks: ${extra.join(', ')}`;
  }
  const shown = found === null ? 'null' : Array.isArray(found) ? 'an array' : typeof found;
  return `${where} is ${shown}, expected ${type.name ?? JSON.stringify(type.schema())}`;
}
