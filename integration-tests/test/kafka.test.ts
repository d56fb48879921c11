import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaBus, type Subscription } from '@sluice/core';
import { decodeEvent, type SluiceEvent } from '@sluice/schemas';
import { badInputScenario } from '../src/bad-input.js';
import { EVERYTHING, GatewayProcess, eventually, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { connectClient, firstText } from '../src/mcp.js';
import { toolCallScenario } from '../src/scenario.js';

const BROKER = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
const MAX_BODY = 64 * 1024;
const ROLES = ['ingress', 'policy-worker', 'router', 'audit-sink'] as const;
type Role = (typeof ROLES)[number];

describe('Kafka mode: four roles in four processes on a real broker', () => {
  const tmp = scratch('kafka');
  const prefix = `it-${randomUUID().slice(0, 8)}.`;
  const configs = {} as Record<Role, string>;
  const admin = {} as Record<Role, number>;
  const procs = {} as Record<Role, GatewayProcess>;
  let mcpPort: number;

  const start = (role: Role): Promise<GatewayProcess> => {
    procs[role] = new GatewayProcess(configs[role], [role], admin[role]);
    return procs[role].ready(90_000);
  };

  beforeAll(async () => {
    mcpPort = await freePort();
    for (const role of ROLES) {
      admin[role] = await freePort();
      configs[role] = writeConfig(
        tmp.dir,
        `${role}.yaml`,
        `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${admin[role]} }
bus: { kind: kafka, brokers: ["${BROKER}"], topicPrefix: "${prefix}" }
audit: { kind: chdb, path: audit }
ingress: { nodeId: edge-1, maxBodyBytes: ${MAX_BODY} }
log: { level: warn }
servers:
  everything: { transport: stdio, command: ${process.execPath}, args: [${EVERYTHING}, stdio] }
`,
      );
    }
    // Roles start independently; each waits for what it needs on the log.
    await Promise.all(ROLES.map(start));
  });

  afterAll(async () => {
    await Promise.all(Object.values(procs).map((p) => p.stop('SIGKILL')));
    tmp.dispose();
  });

  it('serves an MCP client end to end and records both calls in sluice.calls', async () => {
    await toolCallScenario(mcpPort, procs['audit-sink'], 'kafka-agent');
  });

  it('writes records on the requests topic that decode with the committed schemas', async () => {
    const bus = createKafkaBus({ brokers: [BROKER], clientId: 'it-reader' });
    const seen: SluiceEvent[] = [];
    let sub: Subscription | undefined;
    try {
      sub = await bus.subscribe({ group: `reader-${randomUUID()}`, topics: [`${prefix}requests`], fromBeginning: true }, async (records) => {
        for (const r of records) seen.push(decodeEvent(r.value));
      });
      const call = await eventually(
        async () => seen.find((e) => e.type === 'client.message' && e.body.method === 'tools/call' && e.principal.agent === 'kafka-agent'),
        30_000,
        'a tools/call client.message',
      );
      expect(call.sessionId).toMatch(/^[0-9a-f]{64}$/);
      expect(call.ingressNode).toBe('edge-1');
      expect(call.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      const message = JSON.parse(Buffer.from(call.message!).toString());
      expect(message).toMatchObject({ jsonrpc: '2.0', method: 'tools/call' });
      expect(seen.every((e) => e.type === 'client.message')).toBe(true);
    } finally {
      await sub?.stop();
      await bus.close();
    }
  });

  it('answers bad input with exact errors and keeps serving', async () => {
    await badInputScenario(mcpPort, MAX_BODY);
  });

  it('recovers from kill -9 of the router, and a call made while it was down completes', async () => {
    const client = await connectClient(mcpPort, 'router-crash-agent');
    try {
      await procs.router.stop('SIGKILL');
      const pending = client.callTool({ name: 'everything__echo', arguments: { message: 'while down' } }, undefined, { timeout: 120_000 });
      await start('router');
      expect(firstText(await pending)).toBe('Echo: while down');
      const next = await client.callTool({ name: 'everything__echo', arguments: { message: 'after restart' } });
      expect(firstText(next)).toBe('Echo: after restart');
    } finally {
      await client.close();
    }
  });

  it('keeps every audit row unique by event_id when the audit-sink is killed mid-stream', async () => {
    const client = await connectClient(mcpPort, 'audit-crash-agent');
    const calls = 30;
    try {
      for (let i = 0; i < calls; i++) {
        if (i === calls / 2) await procs['audit-sink'].stop('SIGKILL');
        await client.callTool({ name: 'everything__echo', arguments: { message: `n${i}` } });
      }
    } finally {
      await client.close();
    }
    await start('audit-sink');
    const audit = procs['audit-sink'];
    const counted = await eventually(
      async () => {
        const [row] = await sql<{ n: string }>(audit, `SELECT count() AS n FROM sluice.calls WHERE agent = 'audit-crash-agent' AND method = 'tools/call'`);
        return Number(row!.n) >= calls ? Number(row!.n) : undefined;
      },
      60_000,
      `${calls} calls rows`,
    );
    expect(counted).toBe(calls);
    const [events] = await sql<{ total: string; unique: string }>(audit, 'SELECT count() AS total, uniqExact(event_id) AS unique FROM sluice.events');
    expect(Number(events!.total)).toBeGreaterThan(calls * 4);
    expect(events!.total).toBe(events!.unique);
    const [requests] = await sql<{ total: string; unique: string }>(audit, 'SELECT count() AS total, uniqExact(request_id) AS unique FROM sluice.calls');
    expect(requests!.total).toBe(requests!.unique);
  });
});
