/**
 * Every error code the schemas project raises, with whether retrying the same call can succeed.
 * None of them can: the bytes or the value are wrong, so consumers dead-letter the record.
 */
export const SCHEMA_ERROR_CODES = {
  /** The bytes do not start with the Avro single-object marker `0xC3 0x01`. */
  SLUICE_SCHEMA_BAD_MAGIC: { retriable: false },
  /** No committed schema of any version has the writer fingerprint the bytes carry. */
  SLUICE_SCHEMA_UNKNOWN_FINGERPRINT: { retriable: false },
  /** The bytes name a known schema but are truncated, too long or otherwise not readable with it. */
  SLUICE_SCHEMA_DECODE_FAILED: { retriable: false },
  /** The event to encode does not fit its type's current schema (unknown type, missing or mistyped field). */
  SLUICE_SCHEMA_ENCODE_INVALID: { retriable: false },
  /** The committed `.avsc` files are missing, misnamed or do not parse: a packaging mistake, found at load. */
  SLUICE_SCHEMA_LOAD_FAILED: { retriable: false },
} as const satisfies Record<string, { retriable: boolean }>;

/** One of {@link SCHEMA_ERROR_CODES}. */
export type SchemaErrorCode = keyof typeof SCHEMA_ERROR_CODES;

/** An event that cannot be encoded or decoded; branch on `code`. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  /** What went wrong, from {@link SCHEMA_ERROR_CODES}. */
  readonly code: SchemaErrorCode;
  /** Whether retrying the same call can succeed. */
  readonly retriable: boolean;

  constructor(code: SchemaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retriable = SCHEMA_ERROR_CODES[code].retriable;
  }
}
