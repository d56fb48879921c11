import { rememberMessageJson } from '@sluice/core';
import { WireError } from '../errors.js';
import { jsonShape, keyCount, repeatedKey } from './json-structure.js';

/** Deepest nesting of arrays and objects accepted in a body. */
export const MAX_JSON_DEPTH = 64;

/** Longest piece of client input quoted in an error message. */
const QUOTED_INPUT_CHARS = 64;

/** One valid client message, classified. */
export type ClientMessage =
  | { kind: 'request'; id: string | number; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  | { kind: 'response'; id: string | number };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a POST body as one JSON-RPC 2.0 message. Throws a WireError: SLUICE_INGRESS_PARSE_ERROR for bytes that
 * are not UTF-8 JSON, SLUICE_INGRESS_INVALID_REQUEST for batches, nesting deeper than {@link MAX_JSON_DEPTH}, a
 * key repeated in any object (readers disagree on which value wins), an id that cannot be echoed exactly, and
 * anything that is not a request, notification or response. The parsed value is kept with the bytes (frozen),
 * for the roles that read them after the ingress in this process.
 */
export function parseClientMessage(bytes: Uint8Array): ClientMessage {
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw new WireError('SLUICE_INGRESS_PARSE_ERROR', 'Parse error: the body is not valid JSON');
  }
  if (Array.isArray(value)) throw invalid('batches are not supported; send one message per request');
  if (typeof value !== 'object' || value === null) throw invalid('the body must be a JSON-RPC object');
  const shape = jsonShape(text);
  if (shape.depth > MAX_JSON_DEPTH) throw invalid(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (keyCount(value) !== shape.members) throw duplicateKey(text);
  const message = classify(value as Record<string, unknown>);
  rememberMessageJson(bytes, value);
  return message;
}

function classify(message: Record<string, unknown>): ClientMessage {
  if (message.jsonrpc !== '2.0') throw invalid('"jsonrpc" must be "2.0"');
  const hasId = 'id' in message;
  const id = message.id;
  if (hasId && !isValidId(id)) {
    throw invalid(
      typeof id === 'number' && Number.isInteger(id)
        ? '"id" is an integer beyond ±(2^53 - 1), which cannot be echoed exactly; use a string or a smaller integer'
        : '"id" must be a string or an integer',
    );
  }
  if ('method' in message) {
    const { method, params } = message;
    if (typeof method !== 'string' || method === '') throw invalid('"method" must be a non-empty string');
    if (params !== undefined && (typeof params !== 'object' || params === null)) {
      throw invalid('"params" must be an object or an array');
    }
    return hasId ? { kind: 'request', id: id as string | number, method, params } : { kind: 'notification', method, params };
  }
  if (!hasId) throw invalid('a message needs a "method" or, for a response, an "id"');
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (hasResult === hasError) throw invalid('a response carries exactly one of "result" and "error"');
  if (hasError && !isErrorObject(message.error)) throw invalid('"error" must have an integer "code" and a string "message"');
  return { kind: 'response', id: id as string | number };
}

function isValidId(id: unknown): id is string | number {
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
}

function isErrorObject(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return false;
  const { code, message } = error as Record<string, unknown>;
  return typeof code === 'number' && Number.isInteger(code) && typeof message === 'string';
}

function duplicateKey(text: string): WireError {
  const key = repeatedKey(text);
  const named = key === null ? 'a key' : `the key ${JSON.stringify(key.slice(0, QUOTED_INPUT_CHARS))}${key.length > QUOTED_INPUT_CHARS ? '…' : ''}`;
  return invalid(`${named} appears twice in one object; every key may appear once per object`);
}

function invalid(reason: string): WireError {
  return new WireError('SLUICE_INGRESS_INVALID_REQUEST', `Invalid Request: ${reason}`);
}
