/** The CRC-64-AVRO fingerprint of empty input, as defined by the Avro specification. */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE = ((): BigUint64Array => {
  const table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
    table[i] = fp;
  }
  return table;
})();

/**
 * CRC-64-AVRO (Rabin) fingerprint of a schema's Parsing Canonical Form, as an unsigned 64-bit value.
 * Computed with bigints: it runs once per schema at load, never per event.
 */
export function crc64Avro(canonicalForm: string): bigint {
  let fp = EMPTY;
  for (const byte of Buffer.from(canonicalForm, 'utf8')) {
    fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n);
  }
  return fp;
}

/** A fingerprint as 16 hex digits, most significant first (the wire carries it little-endian). */
export function fingerprintHex(fp: bigint): string {
  return fp.toString(16).padStart(16, '0');
}
