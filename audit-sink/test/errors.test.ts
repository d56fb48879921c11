import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AUDIT_ERRORS, AuditError, isAuditError } from '../src/errors.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

describe('audit error codes', () => {
  it('are all documented, and every code the source raises is in the list', async () => {
    for (const [code, info] of Object.entries(AUDIT_ERRORS)) {
      expect(code).toMatch(/^SLUICE_AUDIT_[A-Z_]+$/);
      expect(info.description.length, code).toBeGreaterThan(20);
    }
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const used = new Set<string>();
    for (const file of files) {
      for (const match of (await readFile(join(src, file), 'utf8')).matchAll(/'(SLUICE_AUDIT_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect([...used].filter((code) => !(code in AUDIT_ERRORS))).toEqual([]);
    expect(Object.keys(AUDIT_ERRORS).filter((code) => !used.has(code))).toEqual([]);
  });

  it('carry their code and whether to retry', () => {
    const err = new AuditError('SLUICE_AUDIT_WRITE_FAILED', 'boom');
    expect(err).toMatchObject({ code: 'SLUICE_AUDIT_WRITE_FAILED', retriable: true, name: 'AuditError' });
    expect(isAuditError(err, 'SLUICE_AUDIT_WRITE_FAILED')).toBe(true);
    expect(isAuditError(err, 'SLUICE_AUDIT_DISABLED')).toBe(false);
    expect(isAuditError({ code: 'ECONNRESET' })).toBe(false);
  });
});
