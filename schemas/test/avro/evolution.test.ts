import { describe, expect, it } from 'vitest';
import { toAvroSchema, type AvroSchema } from '../../src/avro/avro-schema.js';
import { readSchemaFiles, type SchemaFile } from '../../src/avro/schema-files.js';
import { EVENT_TYPES } from '../../src/index.js';

/** Each pair (newer reader, older writer) of the same event type that does not resolve, with avsc's reason. */
function unresolvable(schemas: readonly AvroSchema[]): string[] {
  const failures: string[] = [];
  for (const reader of schemas) {
    for (const writer of schemas) {
      if (writer.eventType !== reader.eventType || writer.version >= reader.version) continue;
      try {
        reader.type.createResolver(writer.type);
      } catch (error) {
        failures.push(`${reader.path} cannot read ${writer.path}: ${(error as Error).message}`);
      }
    }
  }
  return failures;
}

const committed = readSchemaFiles();

describe('schema evolution', () => {
  it('checks every event type, each with a first version', () => {
    for (const type of EVENT_TYPES) {
      expect(committed.filter((f) => f.eventType === type).map((f) => f.version)[0]).toBe(1);
    }
  });

  it('every committed version reads data written by every earlier version of its type', () => {
    expect(unresolvable(committed.map(toAvroSchema))).toEqual([]);
  });

  describe('the check itself', () => {
    const v1 = committed.find((f) => f.eventType === 'session.closed' && f.version === 1) as SchemaFile;
    const v1Json = v1.json as { fields: unknown[] };
    /** session.closed v2 in its own namespace, naming the v1 records it reads through aliases. */
    const v2 = (extraField: object): SchemaFile => ({
      ...v1,
      version: 2,
      path: 'v2/session.closed.avsc',
      json: {
        ...v1Json,
        namespace: 'sluice.events.v2',
        aliases: ['sluice.events.v1.SessionClosed'],
        fields: [...v1Json.fields.map((f) => aliasRecords(f)), extraField],
      },
    });

    it('passes a v2 that adds a nullable field with a default', () => {
      const ok = v2({ name: 'detail', type: ['null', 'string'], default: null });
      expect(unresolvable([v1, ok].map(toAvroSchema))).toEqual([]);
    });

    it('fails a v2 that adds a field without a default', () => {
      const broken = v2({ name: 'detail', type: 'string' });
      expect(unresolvable([v1, broken].map(toAvroSchema))).toEqual([
        expect.stringMatching(/^v2\/session\.closed\.avsc cannot read v1\/session\.closed\.avsc: .*detail/),
      ]);
    });
  });
});

/** Adds the v1 full name as an alias to every named record under a field, as a v2 file would. */
function aliasRecords(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(aliasRecords);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, aliasRecords(v)]));
  if (copy['type'] === 'record' && typeof copy['name'] === 'string') {
    copy['aliases'] = [`sluice.events.v1.${copy['name']}`];
  }
  return copy;
}
