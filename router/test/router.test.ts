import type { RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backends/backend.js';
import { startRouter } from '../src/router.js';
import { ROUTER_VERSION } from '../src/version.js';
import { Harness, toolCall, until } from './support/harness.js';
import { createTestServer, everythingStdio, inMemoryServer, withInMemory, type HangingServerProbe } from './support/servers.js';

describe('router with server-everything over stdio and in-memory servers', () => {
  let harness: Harness;
  let router: RunningService;
  const probe: HangingServerProbe = { cancelled: 0 };
  const backends: Record<string, Backend> = {};

  beforeAll(async () => {
    harness = await Harness.create();
    const ctx = harness.context({
      everything: everythingStdio(),
      slow: inMemoryServer({ timeoutMs: 300 }),
      bare: inMemoryServer({ prefix: false }),
    });
    router = await startRouter(ctx, {
      createBackend: withInMemory({ slow: () => createTestServer(probe), bare: () => createTestServer(undefined, 'bare_') }, backends),
    });
  });

  afterAll(async () => {
    const pid = backends.everything?.status().pid ?? null;
    await router?.stop();
    if (pid !== null) expect(isRunning(pid)).toBe(false);
  });

  it('is ready and has published a registry snapshot with every server up', () => {
    expect(router.ready()).toBe(true);
    const snapshot = harness.snapshots().at(-1);
    expect(snapshot?.servers.map((s) => [s.name, s.status])).toEqual([
      ['bare', 'up'],
      ['everything', 'up'],
      ['slow', 'up'],
    ]);
    const everything = snapshot?.servers.find((s) => s.name === 'everything');
    expect(everything?.transport).toBe('stdio');
    expect(everything?.tools).toContainEqual({ name: 'echo', exposedName: 'everything__echo', description: 'Echoes back the input string' });
  });

  it('lists the tools of server-everything as everything__<tool>, with their schemas and annotations', async () => {
    const { response, event } = await harness.call({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const tools = (response.result?.tools ?? []) as Array<{ name: string; inputSchema: unknown; annotations?: unknown }>;
    const names = tools.map((t) => t.name);
    expect(names).toContain('everything__echo');
    expect(names).toContain('everything__get-sum');
    const echo = tools.find((t) => t.name === 'everything__echo');
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } });
    expect(echo?.annotations).toMatchObject({ readOnlyHint: true });
    expect(event.body).toMatchObject({ terminal: true, outcome: 'ok', method: 'tools/list', jsonrpcId: '1' });
  });

  it('exposes the tools of a prefix: false server under their bare names, and calls them by that name', async () => {
    const { response } = await harness.call({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const names = ((response.result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['bare_echo', 'bare_add', 'slow__hang']));
    expect(names).not.toContain('bare__bare_echo');
    const call = await harness.call(toolCall(3, 'bare_add', { a: 2, b: 40 }));
    expect(call.response.result?.content).toEqual([{ type: 'text', text: '42' }]);
    expect(call.event.body).toMatchObject({ server: 'bare', tool: 'bare_add', outcome: 'ok' });
  });

  it('round-trips everything__echo and keeps the JSON type of the request id', async () => {
    const decision = await harness.decide(toolCall('call-7', 'everything__echo', { message: 'hello sluice' }), { requestTime: Date.now() - 5 });
    const { response, event } = await harness.reply(decision);
    expect(response).toEqual({ jsonrpc: '2.0', id: 'call-7', result: { content: [{ type: 'text', text: 'Echo: hello sluice' }] } });
    expect(event.body).toMatchObject({
      terminal: true,
      outcome: 'ok',
      errorCode: null,
      method: 'tools/call',
      jsonrpcId: '"call-7"',
      server: 'everything',
      tool: 'echo',
      policyRevision: 'rev-test',
      requestTime: decision.body.requestTime,
      requestBytes: decision.message?.byteLength,
    });
    expect(event.body.latencyMs).toBeGreaterThanOrEqual(5);
    expect(event).toMatchObject({ tenant: 'acme', sessionId: 'session-1', requestId: decision.requestId, ingressNode: 'node-a' });
  });

  it('records the dispatch on the dispatches topic before the reply is appended', async () => {
    const decision = await harness.decide(toolCall(8, 'everything__get-sum', { a: 1, b: 2 }));
    await harness.reply(decision);
    const mine = harness.produced().filter((p) => p.event.requestId === decision.requestId);
    expect(mine.map((p) => [p.topic, p.event.type])).toEqual([
      ['decisions', 'policy.decision'],
      ['dispatches', 'dispatch'],
      ['replies', 'backend.message'],
    ]);
    expect(mine[1]?.event.body).toEqual({ server: 'everything', tool: 'get-sum', method: 'tools/call', jsonrpcId: '8' });
  });

  it('answers a denied request with -32003 and outcome denied, without calling the backend', async () => {
    const decision = await harness.decide(toolCall(9, 'everything__echo', { message: 'no' }), { allow: false, reason: 'tool not allowed for role guest' });
    const { response, event } = await harness.reply(decision);
    expect(response).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32003, message: 'Denied by policy: tool not allowed for role guest' } });
    expect(event.body).toMatchObject({ outcome: 'denied', errorCode: -32003 });
    expect(harness.produced().some((p) => p.topic === 'dispatches' && p.event.requestId === decision.requestId)).toBe(false);
  });

  it('answers an unknown tool with -32602', async () => {
    const { response, event } = await harness.call(toolCall(10, 'everything__nope'));
    expect(response.error).toEqual({ code: -32602, message: 'Unknown tool: everything__nope' });
    expect(event.body).toMatchObject({ outcome: 'error', errorCode: -32602, tool: 'everything__nope' });
  });

  it("times out a backend that never answers after the server's timeoutMs, and cancels the call there", async () => {
    const started = Date.now();
    const { response, event } = await harness.call(toolCall(11, 'slow__hang'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(response.error).toEqual({ code: -32001, message: 'Backend timed out after 300 ms' });
    expect(event.body).toMatchObject({ outcome: 'timeout', errorCode: -32001, server: 'slow', tool: 'hang' });
    await until(() => probe.cancelled === 1, 2_000, 'the server to see the cancellation');
  });

  it("sends the reply to the decision's reply partition", async () => {
    const received: Array<{ partition: number; requestId: string | null }> = [];
    const subscription = await harness.events.subscribe({ group: 'test-node-b', topics: ['replies'], partitions: [11] }, async (batch) => {
      for (const { event, record } of batch) received.push({ partition: record.partition, requestId: event.requestId });
    });
    try {
      const decision = await harness.decide({ jsonrpc: '2.0', id: 12, method: 'ping' }, { replyPartition: 11 });
      await until(() => received.some((r) => r.requestId === decision.requestId), 5_000, 'the reply on partition 11');
      expect(received.find((r) => r.requestId === decision.requestId)?.partition).toBe(11);
    } finally {
      await subscription.stop();
    }
  });

  it('answers initialize, ping and the empty list methods itself, and -32601 for other methods', async () => {
    const init = await harness.call({ jsonrpc: '2.0', id: 13, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {} } });
    expect(init.response.result).toEqual({
      protocolVersion: '2025-06-18',
      capabilities: { tools: { listChanged: true } },
      serverInfo: { name: 'sluice', version: ROUTER_VERSION },
    });
    const future = await harness.call({ jsonrpc: '2.0', id: 14, method: 'initialize', params: { protocolVersion: '2099-01-01' } });
    expect(future.response.result?.protocolVersion).toBe('2025-11-25');
    expect((await harness.call({ jsonrpc: '2.0', id: 15, method: 'ping' })).response.result).toEqual({});
    expect((await harness.call({ jsonrpc: '2.0', id: 16, method: 'resources/list' })).response.result).toEqual({ resources: [] });
    expect((await harness.call({ jsonrpc: '2.0', id: 17, method: 'resources/templates/list' })).response.result).toEqual({ resourceTemplates: [] });
    expect((await harness.call({ jsonrpc: '2.0', id: 18, method: 'prompts/list' })).response.result).toEqual({ prompts: [] });
    const unknown = await harness.call({ jsonrpc: '2.0', id: 19, method: 'sampling/whatever' });
    expect(unknown.response.error?.code).toBe(-32601);
  });

  it('does not answer notifications', async () => {
    const note = await harness.decide({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const after = await harness.call({ jsonrpc: '2.0', id: 20, method: 'ping' });
    expect(after.response.result).toEqual({});
    expect(harness.produced().some((p) => p.topic === 'replies' && p.event.requestId === note.requestId)).toBe(false);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
