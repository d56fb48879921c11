import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ERRORS } from '@sluice/audit-sink';
import { ADMIN_ERRORS } from '@sluice/cli';
import { CORE_ERRORS } from '@sluice/core';
import { INGRESS_ERRORS } from '@sluice/ingress';
import { POLICY_ERRORS } from '@sluice/policy-worker';
import { ROUTER_ERRORS } from '@sluice/router';
import { SCHEMA_ERROR_CODES } from '@sluice/schemas';
import { ROOT } from '../src/harness.js';

const LISTS: Record<string, Record<string, { retriable: boolean }>> = {
  schemas: SCHEMA_ERROR_CODES,
  core: CORE_ERRORS,
  ingress: INGRESS_ERRORS,
  'policy-worker': POLICY_ERRORS,
  router: ROUTER_ERRORS,
  'audit-sink': AUDIT_ERRORS,
  cli: ADMIN_ERRORS,
};

describe('error codes', () => {
  const doc = readFileSync(join(ROOT, 'docs/ERRORS.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `(SLUICE_[A-Z_]+)` \| (yes|no) \|/gm)].map((m) => [m[1]!, m[2] === 'yes'] as const),
  );

  it.each(Object.entries(LISTS))('every %s code is documented in docs/ERRORS.md with its retriable flag', (_project, list) => {
    for (const [code, { retriable }] of Object.entries(list)) {
      expect(rows.get(code), code).toBe(retriable);
    }
  });

  it('documents no code that does not exist', () => {
    const known = new Set(Object.values(LISTS).flatMap((l) => Object.keys(l)));
    expect([...rows.keys()].filter((c) => !known.has(c))).toEqual([]);
  });
});
