import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventLog, MemoryBus, createLogger, createMetrics, parseConfig, sessionTag, type RunningService } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { startPolicyWorker } from '../src/policy-worker.js';
import { SERVERS, SERVERS_YAML, requestEvent, snapshotEvent, toolCall } from './support/events.js';

describe('policy worker on the memory bus', () => {
  let bus: MemoryBus;
  let events: EventLog;
  let decided: EventOf<'policy.decision'>[];
  const workers: RunningService[] = [];

  const start = async (yaml = `log: {level: silent}\n${SERVERS_YAML}`, logger = createLogger('silent')): Promise<RunningService> => {
    const config = parseConfig(yaml, join(tmpdir(), 'sluice.yaml'));
    const worker = await startPolicyWorker({ config, events, logger, metrics: createMetrics() });
    workers.push(worker);
    return worker;
  };

  beforeEach(async () => {
    bus = new MemoryBus();
    events = new EventLog(bus, 'sluice.');
    await events.ensureTopics();
    decided = [];
    await events.subscribe({ group: 'test-reader', topics: ['decisions'] }, async (batch) => {
      for (const { event } of batch) if (event.type === 'policy.decision') decided.push(event);
    });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await bus.close();
  });

  it('answers every client message with one decision, in order, once the registry is known', async () => {
    const worker = await start();
    const publish = vi.spyOn(events, 'publish');
    const s1 = [toolCall('files__read', { session: 's1' }), toolCall('nope', { session: 's1' }), requestEvent('ping', {}, { session: 's1' })];
    const s2 = [requestEvent('notifications/initialized', {}, { id: null, session: 's2' }), toolCall('broken__fix', { session: 's2' })];
    await events.publish('requests', s1);
    await events.publish('requests', s2);
    await new Promise((r) => setTimeout(r, 50));
    expect(decided).toEqual([]);
    expect(worker.ready()).toBe(false);

    await events.publish('registry', [snapshotEvent()]);
    await vi.waitFor(() => expect(decided).toHaveLength(5));
    expect(worker.ready()).toBe(true);

    const of = (session: string) => decided.filter((d) => d.sessionId === session);
    expect(of('s1').map((d) => d.requestId)).toEqual(s1.map((r) => r.requestId));
    expect(of('s2').map((d) => d.requestId)).toEqual(s2.map((r) => r.requestId));
    expect(of('s1').map((d) => [d.body.allow, d.body.reason])).toEqual([
      [true, 'tool "files__read" is provided by server "files"'],
      [false, 'tool "nope" is not provided by any registered server'],
      [true, 'not a tool call'],
    ]);
    expect(of('s2').map((d) => [d.body.allow, d.body.reason])).toEqual([
      [true, 'not a request'],
      [false, 'tool "broken__fix" is provided by server "broken", which is down'],
    ]);
    const first = of('s1')[0]!;
    expect(Buffer.from(first.message!).toString()).toBe(Buffer.from(s1[0]!.message!).toString());
    expect(first.body).toMatchObject({ requestTime: s1[0]!.time, server: 'files', tool: 'read', inputHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.body.revision).toMatch(/^[0-9a-f]{12}$/);

    const decisionCalls = publish.mock.calls.filter(([topic]) => topic === 'decisions');
    expect(decisionCalls.map(([, batch]) => batch.length).sort()).toEqual([2, 3]);
  });

  it('follows registry updates', async () => {
    await start();
    await events.publish('registry', [snapshotEvent()]);
    await events.publish('requests', [toolCall('files__read')]);
    await vi.waitFor(() => expect(decided.at(-1)?.body.allow).toBe(true));
    await events.publish('registry', [snapshotEvent(SERVERS.map((s) => ({ ...s, status: 'down' as const })))]);
    await vi.waitFor(async () => {
      const before = decided.length;
      await events.publish('requests', [toolCall('files__read')]);
      await vi.waitFor(() => expect(decided.length).toBe(before + 1));
      expect(decided.at(-1)?.body.reason).toBe('tool "files__read" is provided by server "files", which is down');
    });
  });

  it('records revision none and allows everything when policy is disabled', async () => {
    await start('log: {level: silent}\npolicy: {enabled: false}\n');
    await events.publish('registry', [snapshotEvent()]);
    await events.publish('requests', [toolCall('nope')]);
    await vi.waitFor(() => expect(decided).toHaveLength(1));
    expect(decided[0]!.body).toMatchObject({ allow: true, reason: 'policy disabled', revision: 'none', tool: 'nope' });
  });

  it('stops while waiting for the registry, and a later worker decides what was left', async () => {
    const first = await start();
    await events.publish('requests', [toolCall('files__read')]);
    await new Promise((r) => setTimeout(r, 20));
    await first.stop();
    expect(first.ready()).toBe(false);
    expect(decided).toEqual([]);

    const second = await start();
    await events.publish('registry', [snapshotEvent()]);
    await vi.waitFor(() => expect(decided).toHaveLength(1), { timeout: 5000 });
    expect(decided[0]!.body.allow).toBe(true);
    expect(second.ready()).toBe(true);
  });

  it('logs a denied 100,000-character tool name in a short line that names the session by its tag only', async () => {
    const lines: string[] = [];
    await start(undefined, createLogger('info', {}, { write: (line: string) => void lines.push(line) }));
    await events.publish('registry', [snapshotEvent()]);
    const sessionId = 'f0'.repeat(32);
    const tool = 't'.repeat(100_000);
    await events.publish('requests', [toolCall(tool, { session: sessionId })]);
    await vi.waitFor(() => expect(decided).toHaveLength(1));
    expect(decided[0]!.body).toMatchObject({ allow: false, tool });

    const denied = lines.filter((line) => line.includes('"msg":"denied"'));
    expect(denied).toHaveLength(1);
    expect(denied[0]!.length).toBeLessThan(4096);
    expect(JSON.parse(denied[0]!)).toMatchObject({ session: sessionTag(sessionId), tool: expect.stringMatching(/^t{1024}…\[98976 more chars\]$/) });
    for (const line of lines) expect(line).not.toContain(sessionId);
  });

  it('fails to start, naming the file, when the configured bundle is missing', async () => {
    await expect(start('log: {level: silent}\npolicy: {bundle: ./missing.tar.gz}\n')).rejects.toMatchObject({
      code: 'SLUICE_POLICY_BUNDLE_UNREADABLE',
      message: expect.stringContaining(join(tmpdir(), 'missing.tar.gz')),
    });
  });
});
