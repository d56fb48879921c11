import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readSchemaFiles } from '../../src/avro/schema-files.js';
import { EVENT_TYPES, type SchemaError } from '../../src/index.js';

const made: string[] = [];

/** A schemas folder holding the given files, each a minimal valid record unless content is given. */
function folder(files: Record<string, string | undefined>): URL {
  const root = mkdtempSync(join(tmpdir(), 'sluice-avro-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content ?? '{"type":"record","name":"R","fields":[]}');
  }
  return pathToFileURL(`${root}/`);
}

const allV1 = Object.fromEntries(EVENT_TYPES.map((t) => [`v1/${t}.avsc`, undefined]));

afterEach(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

function loadError(dir: URL): SchemaError {
  try {
    readSchemaFiles(dir);
  } catch (error) {
    return error as SchemaError;
  }
  throw new Error('expected readSchemaFiles to fail');
}

describe('readSchemaFiles', () => {
  it('reads the committed files: every event type, from version 1', () => {
    const files = readSchemaFiles();
    expect(new Set(files.map((f) => f.eventType))).toEqual(new Set(EVENT_TYPES));
    expect(files.find((f) => f.eventType === 'client.message')?.path).toBe('v1/client.message.avsc');
  });

  it('orders versions of a type oldest first', () => {
    const files = readSchemaFiles(folder({ ...allV1, 'v2/dispatch.avsc': undefined }));
    expect(files.filter((f) => f.eventType === 'dispatch').map((f) => f.version)).toEqual([1, 2]);
  });

  it.each([
    ['a file for an unknown event type', { ...allV1, 'v1/client.shout.avsc': undefined }, /client\.shout\.avsc/],
    ['a file that is not .avsc', { ...allV1, 'v1/notes.txt': 'x' }, /notes\.txt/],
    ['a folder that is not v<N>', { ...allV1, 'v01/dispatch.avsc': undefined }, /v01/],
    ['an event type without a schema', { 'v1/dispatch.avsc': undefined }, /no schema for event type session\.opened/],
    ['a file that is not JSON', { ...allV1, 'v1/dispatch.avsc': '{' }, /v1\/dispatch\.avsc is not valid JSON/],
  ])('fails with SLUICE_SCHEMA_LOAD_FAILED on %s', (_, files, message) => {
    const error = loadError(folder(files));
    expect(error.code).toBe('SLUICE_SCHEMA_LOAD_FAILED');
    expect(error.message).toMatch(message);
  });
});
