import { messageJson } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import type { WireError } from '../../src/errors.js';
import { parseClientMessage } from '../../src/jsonrpc/parse-message.js';

const parse = (value: unknown): ReturnType<typeof parseClientMessage> =>
  parseClientMessage(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

function codeOf(value: unknown): string {
  try {
    parse(value);
  } catch (err) {
    return (err as WireError).code;
  }
  return 'accepted';
}

describe('parseClientMessage', () => {
  it('keeps the parsed value with the bytes, frozen, for the roles after the ingress', () => {
    const bytes = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x', arguments: { n: 1 } } }));
    const message = parseClientMessage(bytes);
    const kept = messageJson(bytes) as { params: { arguments: object } };
    expect(kept).toEqual({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x', arguments: { n: 1 } } });
    expect(message).toMatchObject({ kind: 'request', params: kept.params });
    expect(Object.isFrozen(kept.params.arguments)).toBe(true);
  });

  it('keeps nothing with bytes it refuses', () => {
    const bytes = Buffer.from(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'ping' }));
    expect(() => parseClientMessage(bytes)).toThrow();
    expect(Object.isFrozen(messageJson(bytes))).toBe(false);
  });

  it('classifies requests, notifications and responses', () => {
    expect(parse({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } })).toEqual({ kind: 'request', id: 1, method: 'tools/call', params: { name: 'x' } });
    expect(parse({ jsonrpc: '2.0', id: 'a', method: 'ping' })).toMatchObject({ kind: 'request', id: 'a' });
    expect(parse({ jsonrpc: '2.0', method: 'notifications/initialized' })).toMatchObject({ kind: 'notification', method: 'notifications/initialized' });
    expect(parse({ jsonrpc: '2.0', id: 4, result: { action: 'accept' } })).toEqual({ kind: 'response', id: 4 });
    expect(parse({ jsonrpc: '2.0', id: 5, error: { code: -1, message: 'declined' } })).toEqual({ kind: 'response', id: 5 });
    expect(parse({ jsonrpc: '2.0', id: 6, method: 'x', params: [1, 2] })).toMatchObject({ kind: 'request', params: [1, 2] });
  });

  it('reports bytes that are not JSON as a parse error', () => {
    expect(codeOf('{')).toBe('SLUICE_INGRESS_PARSE_ERROR');
    expect(codeOf('')).toBe('SLUICE_INGRESS_PARSE_ERROR');
    expect(() => parseClientMessage(Buffer.from([0xc3, 0x28]))).toThrow(expect.objectContaining({ code: 'SLUICE_INGRESS_PARSE_ERROR', jsonRpcCode: -32700, status: 400 }));
  });

  it.each([
    ['a batch', [{ jsonrpc: '2.0', id: 1, method: 'ping' }]],
    ['a number', 42],
    ['null', null],
    ['a missing jsonrpc', { id: 1, method: 'ping' }],
    ['jsonrpc 2', { jsonrpc: 2, id: 1, method: 'ping' }],
    ['a boolean id', { jsonrpc: '2.0', id: true, method: 'ping' }],
    ['an empty method', { jsonrpc: '2.0', id: 1, method: '' }],
    ['null params', { jsonrpc: '2.0', id: 1, method: 'ping', params: null }],
    ['numeric params', { jsonrpc: '2.0', id: 1, method: 'ping', params: 3 }],
    ['no method and no id', { jsonrpc: '2.0', result: {} }],
    ['a response without result or error', { jsonrpc: '2.0', id: 1 }],
    ['an error without a code', { jsonrpc: '2.0', id: 1, error: { message: 'x' } }],
    ['nesting past 64 levels', `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(64)}${']'.repeat(64)}}}`],
  ])('refuses %s as an invalid request', (_name, value) => {
    expect(codeOf(value)).toBe('SLUICE_INGRESS_INVALID_REQUEST');
  });

  it.each([
    ['at the top level', '{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}', 'method'],
    ['in params', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{},"name":"delete_all"}}', 'name'],
    ['deep in arguments', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":[{"b":{"c":1,"c":2}}]}}}', 'c'],
    ['spelled with an escape', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","n\\u0061me":"delete_all"}}', 'name'],
    ['with the same value', '{"jsonrpc":"2.0","id":1,"method":"ping","id":1}', 'id'],
    ['named __proto__', '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"__proto__":{},"__proto__":{}}}', '__proto__'],
  ])('refuses a key repeated %s, naming it', (_name, text, key) => {
    expect(() => parse(text)).toThrow(
      expect.objectContaining({ code: 'SLUICE_INGRESS_INVALID_REQUEST', jsonRpcCode: -32600, message: `Invalid Request: the key "${key}" appears twice in one object; every key may appear once per object` }),
    );
  });

  it('quotes at most 64 characters of a repeated key', () => {
    const key = 'k'.repeat(100_000);
    const text = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"${key}":1,"${key}":2}}`;
    expect(() => parse(text)).toThrow(expect.objectContaining({ message: expect.stringContaining(`"${'k'.repeat(64)}"…`) }));
    let message = '';
    try {
      parse(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.length).toBeLessThan(200);
  });

  it('accepts the same key in different objects, and colons, quotes and braces inside strings', () => {
    const text = String.raw`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a:b","arguments":{"name":"x\":{\"name\":1","n":{"name":[{"name":1},{"name":2}]},"s":"\\"}}}`;
    expect(parse(text)).toMatchObject({ kind: 'request', params: { name: 'a:b', arguments: { name: 'x":{"name":1', s: '\\' } } });
  });

  it.each([
    ['2^53 + 1', '9007199254740993'],
    ['2^53', '9007199254740992'],
    ['-(2^53 + 1)', '-9007199254740993'],
    ['1e300', '1e300'],
  ])('refuses the integer id %s, which cannot be echoed exactly', (_name, id) => {
    expect(() => parse(`{"jsonrpc":"2.0","id":${id},"method":"ping"}`)).toThrow(
      expect.objectContaining({ code: 'SLUICE_INGRESS_INVALID_REQUEST', message: expect.stringContaining('beyond ±(2^53 - 1)') }),
    );
  });

  it('keeps the largest exact integer ids', () => {
    expect(parse('{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}')).toMatchObject({ id: 9007199254740991 });
    expect(parse('{"jsonrpc":"2.0","id":-9007199254740991,"method":"ping"}')).toMatchObject({ id: -9007199254740991 });
    expect(parse('{"jsonrpc":"2.0","id":"9007199254740993","method":"ping"}')).toMatchObject({ id: '9007199254740993' });
  });

  it('does not count brackets inside strings as nesting', () => {
    const text = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"s":"${'['.repeat(200)}\\"${'{'.repeat(200)}"}}`;
    expect(codeOf(text)).toBe('accepted');
  });
});
