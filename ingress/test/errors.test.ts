import { describe, expect, it } from 'vitest';
import { INGRESS_ERRORS, WireError, type WireErrorCode } from '../src/errors.js';

describe('INGRESS_ERRORS', () => {
  it('documents every code, and maps each wire code to an HTTP status and a JSON-RPC code', () => {
    for (const [code, entry] of Object.entries(INGRESS_ERRORS)) {
      expect(code).toMatch(/^SLUICE_INGRESS_[A-Z_]+$/);
      expect(entry.description.length, code).toBeGreaterThan(20);
      if (entry.wire) {
        expect(entry.wire.status).toBeGreaterThanOrEqual(200);
        expect(entry.wire.jsonRpcCode).toBeLessThan(-31999);
        const error = new WireError(code as WireErrorCode, 'x');
        expect([error.code, error.status, error.jsonRpcCode, error.retriable]).toEqual([code, entry.wire.status, entry.wire.jsonRpcCode, entry.retriable]);
      }
    }
  });
});
