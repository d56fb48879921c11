import type { Outcome } from '@sluice/schemas';
import { JsonRpcWireError } from '../errors.js';
import type { ResponsePayload } from './json-rpc.js';

/** How the router answered one request: the response payload and what the audit records about it. */
export interface MethodResult {
  payload: ResponsePayload;
  outcome: Outcome;
  /** The JSON-RPC error code, when the payload is an error. */
  errorCode: number | null;
  /** The backend server and its own tool name, for tool calls. */
  server: string | null;
  tool: string | null;
}

/** The backend server and tool a result is about. */
export interface ResultTarget {
  server: string | null;
  tool: string | null;
}

const NO_TARGET: ResultTarget = { server: null, tool: null };

/** A successful result. */
export function succeeded(result: unknown, target: ResultTarget = NO_TARGET): MethodResult {
  return { payload: { result }, outcome: 'ok', errorCode: null, ...target };
}

/** An error answer. */
export function failed(error: JsonRpcWireError, outcome: Outcome, target: ResultTarget = NO_TARGET): MethodResult {
  return { payload: { error: error.toJSON() }, outcome, errorCode: error.code, ...target };
}

/** JSON-RPC "invalid params" (-32602). */
export function invalidParams(message: string, target: ResultTarget = NO_TARGET): MethodResult {
  return failed(new JsonRpcWireError(-32602, message), 'error', target);
}
