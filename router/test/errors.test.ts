import { describe, expect, it } from 'vitest';
import { JsonRpcWireError, ROUTER_ERRORS, RouterError, isRouterError, type RouterErrorCode } from '../src/errors.js';

describe('router errors', () => {
  it('documents every code with a description, a retry flag and a JSON-RPC code', () => {
    for (const [code, spec] of Object.entries(ROUTER_ERRORS)) {
      expect(code).toMatch(/^SLUICE_ROUTER_[A-Z_]+$/);
      expect(spec.description.length).toBeGreaterThan(20);
      expect(typeof spec.retriable).toBe('boolean');
      expect(Number.isInteger(spec.jsonRpcCode)).toBe(true);
    }
  });

  it('carries code and retriable, and maps to the wire error clients get', () => {
    const err = new RouterError('SLUICE_ROUTER_BACKEND_TIMEOUT', 'Backend timed out after 5 ms');
    expect(err).toMatchObject({ code: 'SLUICE_ROUTER_BACKEND_TIMEOUT', retriable: true });
    expect(isRouterError(err, 'SLUICE_ROUTER_BACKEND_TIMEOUT')).toBe(true);
    expect(isRouterError(err, 'SLUICE_ROUTER_BACKEND_DOWN')).toBe(false);
    expect(isRouterError({ code: 'SLUICE_ROUTER_NOT_A_CODE' })).toBe(false);
    expect(JsonRpcWireError.fromRouterError(err).toJSON()).toEqual({ code: -32001, message: 'Backend timed out after 5 ms' });
    const down: RouterErrorCode = 'SLUICE_ROUTER_BACKEND_DOWN';
    expect(JsonRpcWireError.fromRouterError(new RouterError(down, 'x')).code).toBe(-32010);
  });
});
