import { describe, expect, it } from 'vitest';
import { messageJson, rememberMessageJson } from '../../src/events/message-json.js';

const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('message JSON kept with its bytes', () => {
  it('hands every reader the value kept with the bytes, frozen through and through', () => {
    const value = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { list: [{ a: 1 }] } } };
    const bytes = bytesOf(value);
    rememberMessageJson(bytes, value);
    const read = messageJson(bytes) as typeof value;
    expect(read).toBe(value);
    expect(messageJson(bytes)).toBe(read);
    expect(Object.isFrozen(read) && Object.isFrozen(read.params.arguments) && Object.isFrozen(read.params.arguments.list[0])).toBe(true);
    expect(() => {
      (read.params as { name: string }).name = 'other';
    }).toThrow(TypeError);
  });

  it('parses bytes nothing was kept with (a copy, as a record from Kafka gives), each time afresh', () => {
    const value = { jsonrpc: '2.0', method: 'notifications/initialized' };
    const original = bytesOf(value);
    rememberMessageJson(original, value);
    const copy = new Uint8Array(original.byteLength + 4).subarray(2, 2 + original.byteLength);
    copy.set(original);
    const first = messageJson(copy);
    expect(first).toEqual(value);
    expect(first).not.toBe(value);
    expect(Object.isFrozen(first)).toBe(false);
    expect(messageJson(copy)).not.toBe(first);
  });

  it('throws a SyntaxError for bytes that are not JSON', () => {
    expect(() => messageJson(Buffer.from('{"jsonrpc":'))).toThrow(SyntaxError);
  });
});
