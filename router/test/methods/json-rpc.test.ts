import { describe, expect, it } from 'vitest';
import { encodeResponse, parseClientMessage } from '../../src/methods/json-rpc.js';

const bytes = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseClientMessage', () => {
  it('classifies requests, notifications and responses, keeping the id type', () => {
    expect(parseClientMessage(bytes({ jsonrpc: '2.0', id: 1, method: 'ping' }))).toEqual({ kind: 'request', id: 1, method: 'ping', params: undefined });
    expect(parseClientMessage(bytes({ jsonrpc: '2.0', id: '1', method: 'tools/list', params: { cursor: 'c' } }))).toEqual({
      kind: 'request',
      id: '1',
      method: 'tools/list',
      params: { cursor: 'c' },
    });
    expect(parseClientMessage(bytes({ jsonrpc: '2.0', method: 'notifications/initialized' }))).toMatchObject({ kind: 'notification' });
    expect(parseClientMessage(bytes({ jsonrpc: '2.0', id: 4, result: {} }))).toEqual({ kind: 'response' });
  });

  it('rejects what cannot be answered', () => {
    expect(parseClientMessage(null)).toMatchObject({ kind: 'invalid' });
    expect(parseClientMessage(bytes('{oops'))).toEqual({ kind: 'invalid', reason: 'the message is not JSON' });
    expect(parseClientMessage(bytes([{ jsonrpc: '2.0', id: 1, method: 'ping' }]))).toMatchObject({ kind: 'invalid' });
    expect(parseClientMessage(bytes({ jsonrpc: '2.0', id: null, method: 'ping' }))).toMatchObject({ kind: 'invalid' });
  });
});

describe('encodeResponse', () => {
  it('writes a JSON-RPC 2.0 response with the id as given', () => {
    expect(JSON.parse(Buffer.from(encodeResponse('7', { result: { ok: true } })).toString())).toEqual({ jsonrpc: '2.0', id: '7', result: { ok: true } });
    expect(JSON.parse(Buffer.from(encodeResponse(7, { error: { code: -32601, message: 'no' } })).toString())).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32601, message: 'no' },
    });
  });
});
