import { describe, expect, it } from 'vitest';
import { toAvroSchema } from '../../src/avro/avro-schema.js';
import { crc64Avro, fingerprintHex } from '../../src/avro/crc64.js';

/**
 * Vectors from the Avro project's schema-tests (share/test/data/schema-tests.txt): a schema, its Parsing
 * Canonical Form, and the CRC-64-AVRO fingerprint Java's SchemaNormalization computes, as a signed long.
 */
const VECTORS: readonly [input: string, canonical: string, fingerprint: bigint][] = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"boolean"}', '"boolean"', -6970731678124411036n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"long"}', '"long"', -3434872931120570953n],
  ['"float"', '"float"', 5583340709985441680n],
  ['{"type":"double"}', '"double"', -8181574048448539266n],
  ['"bytes"', '"bytes"', 5746618253357095269n],
  ['{"type":"string"}', '"string"', -8142146995180207161n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  [
    '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    '{"name":"x.y.foo","type":"record","fields":[]}',
    5916914534497305771n,
  ],
  [
    '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    '{"name":"a.b.foo","type":"record","fields":[]}',
    -4616218487480524110n,
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    '{"name":"foo","type":"record","fields":[]}',
    -4824392279771201922n,
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},' +
      '{"order":"descending","name":"f2","doc":"Hello","type":"int"}],"type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    -4448647247586288245n,
  ],
  [
    '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    '{"name":"x.y.z.foo","type":"fixed","size":32}',
    -3064184465700546786n,
  ],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
];

const unsigned = (signed: bigint): bigint => BigInt.asUintN(64, signed);

describe('Parsing Canonical Form and CRC-64-AVRO', () => {
  it.each(VECTORS)('%s', (input, canonical, fingerprint) => {
    const schema = toAvroSchema({ eventType: 'dispatch', version: 1, path: 'test', json: JSON.parse(input) });
    expect(schema.canonicalForm).toBe(canonical);
    expect(schema.fingerprint).toBe(unsigned(fingerprint));
    expect(crc64Avro(canonical)).toBe(unsigned(fingerprint));
  });

  it('ignores logical type annotations, as the specification strips them', () => {
    const json = { type: 'long', logicalType: 'timestamp-millis' };
    expect(toAvroSchema({ eventType: 'dispatch', version: 1, path: 'test', json }).canonicalForm).toBe('"long"');
  });

  it('prints a fingerprint as 16 hex digits', () => {
    expect(fingerprintHex(unsigned(7195948357588979594n))).toBe('63dd24e7cc258f8a');
    expect(fingerprintHex(1n)).toBe('0000000000000001');
  });
});
