import { readFileSync } from 'node:fs';
import { newEvent } from '@sluice/core';
import { decodeEvent, type BackendMessageBody, type EventOf } from '@sluice/schemas';
import { describe, expect, it } from 'vitest';
import { toAuditBatch } from '../../src/rows/audit-batch.js';
import { toDateTime64 } from '../../src/rows/datetime.js';
import { envelope } from '../support.js';

const reply = (body: Partial<BackendMessageBody>, requestId: string | null = 'r-1') =>
  newEvent(
    'backend.message',
    {
      terminal: true,
      outcome: null,
      errorCode: null,
      method: null,
      jsonrpcId: null,
      server: null,
      tool: null,
      policyRevision: null,
      requestTime: null,
      requestBytes: null,
      latencyMs: null,
      redaction: null,
      ...body,
    },
    { ...envelope('s-1', requestId, { jsonrpc: '2.0', id: 1, result: {} }), time: 1_767_225_600_500 },
  );

const batchOf = (...events: ReturnType<typeof reply>[]) =>
  toAuditBatch(
    events.map((event, i) => ({
      event,
      record: { topic: 'sluice.replies', partition: 0, offset: String(i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
    })),
  );

describe('call rows', () => {
  it('come only from terminal replies that name their request', () => {
    const batch = batchOf(reply({ terminal: false, method: 'notifications/progress' }), reply({}, null), reply({ outcome: 'ok' }));
    expect(batch.events).toHaveLength(3);
    expect(batch.calls.map((c) => [c.request_id, c.outcome])).toEqual([['r-1', 'ok']]);
  });

  it('fill a summary missing its times and outcome from the reply itself', () => {
    const [call] = batchOf(reply({})).calls;
    expect(call).toMatchObject({
      started_at: '2026-01-01 00:00:00.500',
      finished_at: '2026-01-01 00:00:00.500',
      latency_ms: 0,
      outcome: 'unknown',
      request_bytes: 0,
      response_bytes: Buffer.byteLength('{"jsonrpc":"2.0","id":1,"result":{}}'),
    });
    const [timed] = batchOf(reply({ requestTime: 1_767_225_600_200, outcome: 'timeout' })).calls;
    expect(timed).toMatchObject({ started_at: '2026-01-01 00:00:00.200', latency_ms: 300, outcome: 'timeout' });
  });
});

describe('toDateTime64', () => {
  it('formats epoch milliseconds in UTC and clamps times the column cannot hold', () => {
    expect(toDateTime64(1_767_225_600_007)).toBe('2026-01-01 00:00:00.007');
    expect(toDateTime64(Number.MAX_SAFE_INTEGER)).toBe('2299-12-31 23:59:59.999');
    expect(toDateTime64(-1e15)).toBe('1900-01-01 00:00:00.000');
  });

  it('carry the principal in full, and defaults for a reply written before the principal had a credential', () => {
    const fixture = (version: number) =>
      decodeEvent(readFileSync(new URL(`../../../schemas/fixtures/v${version}/backend.message.bin`, import.meta.url))) as EventOf<'backend.message'>;
    const principalOf = (row: object) => Object.fromEntries(Object.entries(row).filter(([k]) => ['principal_user', 'agent', 'roles', 'scopes', 'environment', 'auth_method', 'token_id'].includes(k)));
    const old = batchOf(fixture(1));
    const expected = { principal_user: 'bob@example.com', agent: 'inspector/0.16', roles: ['analyst'], scopes: [], environment: null, auth_method: null, token_id: null };
    expect(principalOf(old.calls[0]!)).toEqual(expected);
    expect(principalOf(old.events[0]!)).toEqual(expected);
    const now = batchOf(fixture(2));
    const full = { ...expected, scopes: ['tools:call', 'tools:list'], environment: 'staging', auth_method: 'api-key', token_id: 'key-4f2a9c' };
    expect(principalOf(now.calls[0]!)).toEqual(full);
    expect(principalOf(now.events[0]!)).toEqual(full);
  });
});
