import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_ERROR_CODES, SchemaError, type SchemaErrorCode } from '../src/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const CODES = Object.keys(SCHEMA_ERROR_CODES) as SchemaErrorCode[];

describe('schema errors', () => {
  it.each(CODES)('%s is documented in the README', (code) => {
    expect(README).toContain(`\`${code}\``);
  });

  it.each(CODES)('%s carries its code and retriable flag', (code) => {
    const cause = new Error('underlying');
    const error = new SchemaError(code, 'what happened', { cause });
    expect(error).toMatchObject({ code, retriable: SCHEMA_ERROR_CODES[code].retriable, name: 'SchemaError', cause });
    expect(error.message).toBe('what happened');
  });
});
