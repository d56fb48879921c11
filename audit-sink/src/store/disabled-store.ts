import { AuditError } from '../errors.js';
import type { AuditStore } from './audit-store.js';

/** The store of `audit.kind: off`: nothing is stored, and every query and write fails with `SLUICE_AUDIT_DISABLED`. */
export function disabledAuditStore(): AuditStore {
  const off = (): Promise<never> =>
    Promise.reject(new AuditError('SLUICE_AUDIT_DISABLED', 'the audit store is off (audit.kind: off): nothing is recorded'));
  return { kind: 'off', write: off, prepare: () => {}, query: off, close: async () => {} };
}
