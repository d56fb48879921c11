import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createMetrics,
  newEvent,
  parseConfig,
  type AuditConfig,
  type EnvelopeInit,
  type EventLog,
  type ServiceContext,
  type SluiceConfig,
} from '@sluice/core';
import type { SluiceEvent } from '@sluice/schemas';

/** A fresh directory, removed by `remove`. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh temporary directory for one test's chDB data. */
export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'sluice-audit-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Validated configuration with the given `audit` section (YAML flow mapping). */
export function configWith(audit: string): SluiceConfig {
  return parseConfig(`audit: ${audit}\n`, join(tmpdir(), 'sluice-test.yaml'));
}

/** A validated chDB audit config at `path`; `sql` is the `audit.sql` section (YAML flow mapping). */
export function chdbAudit(path: string, batch: { rows?: number; ms?: number } = {}, sql = '{}'): Extract<AuditConfig, { kind: 'chdb' }> {
  const audit = configWith(`{ kind: chdb, path: '${path}', batchMaxRows: ${batch.rows ?? 1000}, batchMaxMs: ${batch.ms ?? 20}, sql: ${sql} }`).audit;
  if (audit.kind !== 'chdb') throw new Error('not a chDB config');
  return audit;
}

/** The silent logger tests run with. */
export const silent = createLogger('silent');

/** A service context on `events` with the given config. */
export function serviceContext(config: SluiceConfig, events: EventLog): ServiceContext {
  return { config, events, logger: silent, metrics: createMetrics() };
}

const encoder = new TextEncoder();

/** Envelope of a session's events, as the ingress writes them. */
export function envelope(sessionId: string, requestId: string | null, message: unknown): EnvelopeInit {
  return {
    tenant: 'acme',
    principal: {
      user: 'ada',
      agent: 'claude-code',
      roles: ['dev', 'ops'],
      scopes: ['tools:call', 'tools:list'],
      environment: 'production',
      authMethod: 'oauth',
      tokenId: 'jti-7f3a',
    },
    sessionId,
    requestId,
    ingressNode: 'edge-1',
    replyPartition: 3,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    message: message === null ? null : encoder.encode(JSON.stringify(message)),
  };
}

/** One event of every type: a session with one `tools/call` that succeeds, and a registry snapshot. */
export function oneOfEach(sessionId: string, requestId: string): SluiceEvent[] {
  const request = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'hi' } } };
  const response = { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'Echo: hi' }] } };
  const t0 = 1_767_225_600_000;
  return [
    newEvent('session.opened', { protocolVersion: '2025-06-18', transport: 'streamable-http', clientName: 'claude-code', clientVersion: '1.0' }, { ...envelope(sessionId, null, null), time: t0 }),
    newEvent('client.message', { kind: 'request', method: 'tools/call', jsonrpcId: '7', redaction: null }, { ...envelope(sessionId, requestId, request), time: t0 + 10 }),
    newEvent(
      'policy.decision',
      {
        allow: true,
        reason: 'allowed by default',
        revision: 'rev-42',
        inputHash: 'ab'.repeat(32),
        input: '{"method":"tools/call"}',
        method: 'tools/call',
        jsonrpcId: '7',
        server: 'everything',
        tool: 'echo',
        requestTime: t0 + 10,
      },
      { ...envelope(sessionId, requestId, request), time: t0 + 12 },
    ),
    newEvent('dispatch', { server: 'everything', tool: 'echo', method: 'tools/call', jsonrpcId: '7' }, { ...envelope(sessionId, requestId, request), time: t0 + 13 }),
    newEvent(
      'backend.message',
      {
        terminal: true,
        outcome: 'ok',
        errorCode: null,
        method: 'tools/call',
        jsonrpcId: '7',
        server: 'everything',
        tool: 'echo',
        policyRevision: 'rev-42',
        requestTime: t0 + 10,
        requestBytes: Buffer.byteLength(JSON.stringify(request)),
        latencyMs: 26,
        redaction: null,
      },
      { ...envelope(sessionId, requestId, response), time: t0 + 36 },
    ),
    newEvent('session.closed', { reason: 'client closed' }, { ...envelope(sessionId, null, null), time: t0 + 50 }),
    newEvent(
      'registry.snapshot',
      { servers: [{ name: 'everything', transport: 'stdio', status: 'up', tools: [{ name: 'echo', exposedName: 'everything__echo', description: null }], withheld: [] }] },
      { tenant: 'acme', time: t0 + 1 },
    ),
  ];
}

/** A request that ends in an error reply: its client message, policy decision, dispatch and terminal reply. */
export function erroredCall(sessionId: string, requestId: string, time: number): SluiceEvent[] {
  const env = envelope(sessionId, requestId, { jsonrpc: '2.0', id: requestId, method: 'tools/call' });
  const jsonrpcId = JSON.stringify(requestId);
  return [
    newEvent('client.message', { kind: 'request', method: 'tools/call', jsonrpcId, redaction: null }, { ...env, time }),
    newEvent(
      'policy.decision',
      { allow: true, reason: 'ok', revision: 'rev-42', inputHash: '00'.repeat(32), input: '{}', method: 'tools/call', jsonrpcId, server: 'everything', tool: 'echo', requestTime: time },
      { ...env, time },
    ),
    newEvent('dispatch', { server: 'everything', tool: 'echo', method: 'tools/call', jsonrpcId }, { ...env, time: time + 1 }),
    newEvent(
      'backend.message',
      {
        terminal: true,
        outcome: 'error',
        errorCode: -32603,
        method: 'tools/call',
        jsonrpcId,
        server: 'everything',
        tool: 'echo',
        policyRevision: 'rev-42',
        requestTime: time,
        requestBytes: 60,
        latencyMs: 4,
        redaction: null,
      },
      { ...envelope(sessionId, requestId, { jsonrpc: '2.0', id: requestId, error: { code: -32603, message: 'boom' } }), time: time + 4 },
    ),
  ];
}

/** Polls `check` until it returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Parses JSONEachRow text into rows. */
export function jsonRows<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
