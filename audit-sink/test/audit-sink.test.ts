import { EventLog, MemoryBus, createMetrics, type Metrics } from '@sluice/core';
import { CURRENT_SCHEMA_VERSION, TOPICS, type SluiceEvent, type TopicName } from '@sluice/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAuditSink, startAuditSink, type AuditSink } from '../src/audit-sink.js';
import type { AuditStore } from '../src/store/audit-store.js';
import { openAuditStore } from '../src/store/open-audit-store.js';
import {
  chdbAudit,
  configWith,
  erroredCall,
  eventually,
  jsonRows,
  oneOfEach,
  serviceContext,
  silent,
  tempDir,
  type TempDir,
} from './support.js';

const topicOf = (event: SluiceEvent): TopicName => TOPICS.find((t) => t.events.includes(event.type))!.name;

async function publish(events: EventLog, list: readonly SluiceEvent[]): Promise<void> {
  for (const event of list) await events.publish(topicOf(event), [event]);
}

async function count(store: AuditStore, sql: string): Promise<number> {
  const [row] = jsonRows<{ n: number | string }>(await store.query(sql));
  return Number(row!.n);
}

const untilCount = (store: AuditStore, table: string, n: number): Promise<number> =>
  eventually(async () => ((await count(store, `SELECT count() AS n FROM ${table}`)) >= n ? n : undefined), 10_000, `${n} rows in ${table}`);

const consumedBySink = async (metrics: Metrics): Promise<number> => {
  const metric = await metrics.eventsConsumed.get();
  return metric.values.filter((v) => v.labels.group === 'audit-sink').reduce((sum, v) => sum + v.value, 0);
};

describe('audit sink on chDB and the memory bus', () => {
  let dir: TempDir;
  let events: EventLog;
  let metrics: Metrics;
  const sinks: AuditSink[] = [];

  beforeEach(async () => {
    dir = await tempDir();
    metrics = createMetrics();
    events = new EventLog(new MemoryBus(), 'sluice.', metrics);
    await events.ensureTopics();
  });

  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.stop();
    await events.bus.close();
    await dir.remove();
  });

  const start = async (batch: { rows?: number; ms?: number } = {}): Promise<AuditSink> => {
    const audit = chdbAudit(dir.path, batch);
    const sink = await startAuditSink({ ...serviceContext({ ...configWith('{ kind: off }'), audit }, events), metrics });
    sinks.push(sink);
    return sink;
  };

  it('stores every event type in sluice.events with its envelope, record position, body and message', async () => {
    const sink = await start();
    expect(sink.ready()).toBe(true);
    const list = oneOfEach('s-1', 'r-1');
    await publish(events, list);
    await untilCount(sink.store, 'sluice.events', list.length);

    const rows = jsonRows<Record<string, unknown>>(await sink.store.query('SELECT * FROM sluice.events ORDER BY time'));
    expect(rows.map((r) => r.type)).toEqual([
      'session.opened',
      'registry.snapshot',
      'client.message',
      'policy.decision',
      'dispatch',
      'backend.message',
      'session.closed',
    ]);
    const request = list[1]!;
    const row = rows.find((r) => r.event_id === request.id)!;
    expect(row).toMatchObject({
      type: 'client.message',
      schema_version: CURRENT_SCHEMA_VERSION['client.message'],
      time: '2026-01-01 00:00:00.010',
      tenant: 'acme',
      principal_user: 'ada',
      agent: 'claude-code',
      roles: ['dev', 'ops'],
      scopes: ['tools:call', 'tools:list'],
      environment: 'production',
      auth_method: 'oauth',
      token_id: 'jti-7f3a',
      session_id: 's-1',
      request_id: 'r-1',
      ingress_node: 'edge-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      topic: 'sluice.requests',
      offset: 0,
    });
    expect(JSON.parse(row.payload as string)).toEqual(request.body);
    expect(JSON.parse(row.message as string)).toMatchObject({ method: 'tools/call', id: 7 });
    for (const event of list) {
      const stored = rows.find((r) => r.event_id === event.id)!;
      expect(stored.topic).toBe(`sluice.${topicOf(event)}`);
      expect(JSON.parse(stored.payload as string)).toEqual(event.body);
    }
    const registry = rows.find((r) => r.type === 'registry.snapshot')!;
    expect(registry).toMatchObject({
      session_id: null,
      request_id: null,
      principal_user: null,
      roles: [],
      scopes: [],
      environment: null,
      auth_method: null,
      token_id: null,
      message: '',
    });
  });

  it('writes one sluice.calls row per terminal reply, with the call summary', async () => {
    const sink = await start();
    const list = [...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_700_000)];
    await publish(events, list);
    await untilCount(sink.store, 'sluice.calls', 2);
    const reply = list[4]!;

    const calls = jsonRows(await sink.store.query('SELECT * FROM sluice.calls ORDER BY started_at'));
    expect(calls).toEqual([
      {
        request_id: 'r-1',
        event_id: reply.id,
        jsonrpc_id: '7',
        session_id: 's-1',
        tenant: 'acme',
        principal_user: 'ada',
        agent: 'claude-code',
        roles: ['dev', 'ops'],
        scopes: ['tools:call', 'tools:list'],
        environment: 'production',
        auth_method: 'oauth',
        token_id: 'jti-7f3a',
        server: 'everything',
        tool: 'echo',
        method: 'tools/call',
        started_at: '2026-01-01 00:00:00.010',
        finished_at: '2026-01-01 00:00:00.036',
        latency_ms: 26,
        outcome: 'ok',
        error_code: null,
        policy_revision: 'rev-42',
        request_bytes: Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'hi' } } })),
        response_bytes: reply.message!.byteLength,
      },
      expect.objectContaining({ request_id: 'r-2', outcome: 'error', error_code: -32603, latency_ms: 4, started_at: '2026-01-01 00:01:40.000' }),
    ]);
  });

  it('writes rows again after a failed write until stored, and once (rows stored, acknowledgement lost)', async () => {
    const audit = chdbAudit(dir.path);
    const real = await openAuditStore(audit, silent);
    let lost = 0;
    const lossy: AuditStore = {
      kind: real.kind,
      query: (sql) => real.query(sql),
      close: () => real.close(),
      prepare: (batch) => real.prepare(batch),
      write: async (batch) => {
        const stored = await real.write(batch);
        if (lost++ < 3) throw new Error('connection reset after the insert');
        return stored;
      },
    };
    const sink = await runAuditSink({ ...serviceContext({ ...configWith('{ kind: off }'), audit }, events), metrics }, lossy);
    sinks.push(sink);
    const list = [...oneOfEach('s-1', 'r-1'), ...erroredCall('s-2', 'r-2', 1_767_225_700_000)];
    await publish(events, list);

    await eventually(async () => (lost > 3 ? true : undefined), 10_000, 'a write after the failed ones');
    await untilCount(sink.store, 'sluice.events', list.length);
    // On the in-memory bus the sink takes the rows over: each record is handled once, and the sink writes again.
    expect(await consumedBySink(metrics)).toBe(list.length);
    const [events_] = jsonRows(await sink.store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'));
    expect(events_).toEqual({ n: list.length, u: list.length });
    expect(await count(sink.store, 'SELECT count() AS n FROM sluice.calls')).toBe(2);
  });

  it('stores events published twice once', async () => {
    const sink = await start();
    const list = oneOfEach('s-1', 'r-1');
    await publish(events, list);
    await publish(events, list);
    await eventually(async () => ((await consumedBySink(metrics)) >= list.length * 2 ? true : undefined), 10_000, 'both copies consumed');
    await untilCount(sink.store, 'sluice.events', list.length);
    // Both copies were handed to the writer; give a later write of the second copy time to show up.
    await new Promise((r) => setTimeout(r, 200));
    expect(jsonRows(await sink.store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([{ n: 7, u: 7 }]);
    expect(await count(sink.store, 'SELECT count() AS n FROM sluice.calls')).toBe(1);
  });

  it('writes the rows it holds when stopped, and a sink started later with the same group goes on from there', async () => {
    const calls = 40;
    const list = Array.from({ length: calls }, (_, i) => erroredCall(`s-${i % 7}`, `r-${i}`, 1_767_225_600_000 + i * 10)).flat();
    const half = list.length / 2;
    await publish(events, list.slice(0, half));
    // A long timer keeps the first half's rows in the writer: stopping writes them.
    const first = await start({ rows: 100_000, ms: 60_000 });
    await eventually(async () => ((await consumedBySink(metrics)) >= half ? true : undefined), 10_000, 'the first half handed over');
    expect(await count(first.store, 'SELECT count() AS n FROM sluice.events')).toBe(0);
    await first.stop();
    expect(first.ready()).toBe(false);
    sinks.splice(sinks.indexOf(first), 1);
    await publish(events, list.slice(half));

    const second = await start();
    await untilCount(second.store, 'sluice.events', list.length);
    await untilCount(second.store, 'sluice.calls', calls);
    expect(await consumedBySink(metrics)).toBe(list.length);
    const [events_] = jsonRows(await second.store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'));
    expect(events_).toEqual({ n: list.length, u: list.length });
    expect(jsonRows(await second.store.query('SELECT count() AS n, uniqExact(request_id) AS u FROM sluice.calls'))).toEqual([{ n: calls, u: calls }]);
    expect(await count(second.store, "SELECT count() AS n FROM sluice.calls WHERE outcome = 'error' AND error_code = -32603")).toBe(calls);
  });

  it('stores a burst of 5,000 events from many partitions, every one once', async () => {
    const sink = await start({ rows: 2_000, ms: 50 });
    const calls = 1_250;
    const list = Array.from({ length: calls }, (_, i) => erroredCall(`s-${i % 97}`, `r-${i}`, 1_767_225_600_000 + i)).flat();
    const byTopic = new Map<TopicName, SluiceEvent[]>();
    for (const event of list) byTopic.set(topicOf(event), [...(byTopic.get(topicOf(event)) ?? []), event]);
    await Promise.all([...byTopic].map(([topic, batch]) => events.publish(topic, batch)));
    await untilCount(sink.store, 'sluice.events', list.length);
    await untilCount(sink.store, 'sluice.calls', calls);
    expect(jsonRows(await sink.store.query('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events'))).toEqual([
      { n: list.length, u: list.length },
    ]);
  });

  it('with audit off, consumes nothing and refuses queries with SLUICE_AUDIT_DISABLED', async () => {
    const sink = await startAuditSink({ ...serviceContext(configWith('{ kind: off }'), events), metrics });
    sinks.push(sink);
    expect(sink.ready()).toBe(true);
    await publish(events, oneOfEach('s-1', 'r-1'));
    await new Promise((r) => setTimeout(r, 100));
    expect(await consumedBySink(metrics)).toBe(0);
    await expect(sink.store.query('SELECT 1')).rejects.toMatchObject({ code: 'SLUICE_AUDIT_DISABLED' });
  });
});
