import { messageJson } from '@sluice/core';
import type { JsonRpcErrorObject } from '../errors.js';

/** A JSON-RPC id: a string or a number, kept with its JSON type. */
export type JsonRpcId = string | number;

/** A client message, classified once. */
export type ClientMessage =
  | { kind: 'request'; id: JsonRpcId; method: string; params: Record<string, unknown> | undefined }
  | { kind: 'notification'; method: string; params: Record<string, unknown> | undefined }
  | { kind: 'response' }
  | { kind: 'invalid'; reason: string };

/** The outcome part of a JSON-RPC response. */
export type ResponsePayload = { result: unknown } | { error: JsonRpcErrorObject };

/** Parses and classifies the client's raw JSON-RPC bytes. */
export function parseClientMessage(bytes: Uint8Array | null): ClientMessage {
  if (bytes === null) return { kind: 'invalid', reason: 'the decision carries no message' };
  let value: unknown;
  try {
    value = messageJson(bytes);
  } catch {
    return { kind: 'invalid', reason: 'the message is not JSON' };
  }
  if (!isObject(value) || value.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'the message is not a JSON-RPC 2.0 object' };
  const { id, method, params } = value;
  if (typeof method !== 'string') {
    return 'result' in value || 'error' in value ? { kind: 'response' } : { kind: 'invalid', reason: 'the message has no method' };
  }
  const checkedParams = isObject(params) ? params : undefined;
  if (id === undefined) return { kind: 'notification', method, params: checkedParams };
  if (typeof id !== 'string' && typeof id !== 'number') return { kind: 'invalid', reason: 'the request id is neither a string nor a number' };
  return { kind: 'request', id, method, params: checkedParams };
}

/** The bytes of the JSON-RPC response to request `id`. */
export function encodeResponse(id: JsonRpcId, payload: ResponsePayload): Uint8Array {
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, ...payload }), 'utf8');
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
