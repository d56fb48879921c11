import { McpError, CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { partitionForKey, type RunningService } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, type RouterOptions } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';
import { createTestServer, inMemoryServer, withInMemory, type HangingServerProbe } from '../support/servers.js';

const routers: RunningService[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.stop()));
});

async function start(harness: Harness, probe: HangingServerProbe, options: RouterOptions = {}, timeoutMs = 2_000): Promise<RunningService> {
  const router = await startRouter(harness.context({ mem: inMemoryServer({ timeoutMs }) }), {
    createBackend: withInMemory({ mem: () => createTestServer(probe) }),
    ...options,
  });
  routers.push(router);
  return router;
}

describe('answering a batch of decisions', () => {
  it('runs the calls of one batch concurrently', async () => {
    const harness = await Harness.create();
    await start(harness, { cancelled: 0 });
    const decisions = [1, 2, 3].map((id) => harness.decision(toolCall(id, 'mem__slow', { ms: 300 })));
    const started = Date.now();
    await harness.events.publish('decisions', decisions);
    const replies = await Promise.all(decisions.map((d) => harness.reply(d)));
    expect(Date.now() - started).toBeLessThan(800);
    expect(replies.map((r) => r.response.result?.content)).toEqual([1, 2, 3].map(() => [{ type: 'text', text: 'slept 300' }]));
  });

  it('keeps to maxInFlight', async () => {
    const harness = await Harness.create();
    await start(harness, { cancelled: 0 }, { maxInFlight: 1 });
    const decisions = [1, 2, 3].map((id) => harness.decision(toolCall(id, 'mem__slow', { ms: 150 })));
    const started = Date.now();
    await harness.events.publish('decisions', decisions);
    await Promise.all(decisions.map((d) => harness.reply(d)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('answers a request cancelled in the same batch with -32800, without calling the backend', async () => {
    const harness = await Harness.create();
    const probe: HangingServerProbe = { cancelled: 0 };
    await start(harness, probe);
    const call = harness.decision(toolCall(5, 'mem__hang'));
    const cancel = harness.decision({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'user pressed stop' } });
    const started = Date.now();
    await harness.events.publish('decisions', [call, cancel]);
    const { response, event } = await harness.reply(call);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.error).toEqual({ code: -32800, message: 'Request cancelled by the client: user pressed stop' });
    expect(event.body.outcome).toBe('error');
    expect(harness.produced().some((p) => p.topic === 'dispatches' && p.event.requestId === call.requestId)).toBe(false);
    expect(harness.produced().filter((p) => p.topic === 'replies')).toHaveLength(1);
  });

  it("does not hold a session's later call behind a slow one still running", async () => {
    const harness = await Harness.create();
    await start(harness, { cancelled: 0 });
    const slow = harness.decision(toolCall(11, 'mem__slow', { ms: 1_000 }));
    const quick = harness.decision(toolCall(12, 'mem__slow', { ms: 1 }));
    await harness.events.publish('decisions', [slow]);
    await harness.waitFor((p) => p.topic === 'dispatches' && p.event.requestId === slow.requestId);
    // Same session, so same partition, in a later batch: answered while the slow call runs.
    await harness.events.publish('decisions', [quick]);
    await harness.reply(quick);
    expect(harness.produced().some((p) => p.topic === 'replies' && p.event.requestId === slow.requestId)).toBe(false);
    const { response } = await harness.reply(slow);
    expect(response.result?.content).toEqual([{ type: 'text', text: 'slept 1000' }]);
    const order = harness.produced().filter((p) => p.topic === 'replies').map((p) => p.event.requestId);
    expect(order).toEqual([quick.requestId, slow.requestId]);
  });

  it('cancels a call of an earlier batch that is still running', async () => {
    const harness = await Harness.create();
    const probe: HangingServerProbe = { cancelled: 0, started: 0 };
    await start(harness, probe);
    const call = harness.decision(toolCall(13, 'mem__hang'));
    const cancel = harness.decision({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 13, reason: 'changed my mind' } });
    await harness.events.publish('decisions', [call]);
    // The server is running the call: the cancellation, a later batch of the same partition, must reach it there.
    await expect.poll(() => probe.started).toBe(1);
    await harness.events.publish('decisions', [cancel]);
    const { response } = await harness.reply(call);
    expect(response.error).toEqual({ code: -32800, message: 'Request cancelled by the client: changed my mind' });
    await expect.poll(() => probe.cancelled).toBe(1);
  });

  it('does not let another session cancel a request', async () => {
    const harness = await Harness.create();
    const probe: HangingServerProbe = { cancelled: 0 };
    await start(harness, probe, {}, 300);
    const call = harness.decision(toolCall(6, 'mem__hang'), { sessionId: 'victim' });
    const cancel = harness.decision({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 6 } }, { sessionId: 'intruder' });
    // In another partition, the cancellation is handled while the call runs.
    expect(partitionForKey('intruder', 12)).not.toBe(partitionForKey('victim', 12));
    await harness.events.publish('decisions', [call]);
    await harness.waitFor((p) => p.topic === 'dispatches' && p.event.requestId === call.requestId);
    await harness.events.publish('decisions', [cancel]);
    const { response } = await harness.reply(call);
    expect(response.error?.code).toBe(-32001);
  });

  it("passes a backend's JSON-RPC error to the client with its code, message and data", async () => {
    const harness = await Harness.create();
    const router = await startRouter(harness.context({ tea: inMemoryServer() }), {
      createBackend: withInMemory({
        tea: () => {
          const server = createTestServer();
          server.server.setRequestHandler(CallToolRequestSchema, () => {
            throw new McpError(-32099, 'I am a teapot', { brewing: true });
          });
          return server;
        },
      }),
    });
    routers.push(router);
    const { response, event } = await harness.call(toolCall(7, 'tea__echo', { message: 'coffee?' }));
    // The SDK server puts its "MCP error <code>: " prefix into the message it sends; it reaches the client as sent.
    expect(response.error).toEqual({ code: -32099, message: 'MCP error -32099: I am a teapot', data: { brewing: true } });
    expect(event.body).toMatchObject({ outcome: 'error', errorCode: -32099 });
  });
});

describe('stopping the router', () => {
  it('lets in-flight calls finish and publishes their replies', async () => {
    const harness = await Harness.create();
    const router = await start(harness, { cancelled: 0 });
    const call = await harness.decide(toolCall(1, 'mem__slow', { ms: 200 }));
    await harness.waitFor((p) => p.topic === 'dispatches' && p.event.requestId === call.requestId);
    await router.stop();
    expect(router.ready()).toBe(false);
    const reply = harness.produced().find((p) => p.topic === 'replies' && p.event.requestId === call.requestId);
    expect(reply?.event.body).toMatchObject({ outcome: 'ok' });
  });

  it('aborts calls still running after the drain timeout, leaving the decision to the next router', async () => {
    const harness = await Harness.create();
    const first = await start(harness, { cancelled: 0 }, { drainTimeoutMs: 100 }, 1_000);
    const call = await harness.decide(toolCall(2, 'mem__hang'));
    await harness.waitFor((p) => p.topic === 'dispatches' && p.event.requestId === call.requestId);
    const stopping = Date.now();
    await first.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(harness.produced().some((p) => p.topic === 'replies' && p.event.requestId === call.requestId)).toBe(false);

    await start(harness, { cancelled: 0 }, {}, 1_000);
    const { event } = await harness.reply(call);
    expect(event.body.outcome).toBe('timeout');
    const replies = harness.produced().filter((p) => p.topic === 'replies' && p.event.requestId === call.requestId);
    expect(replies).toHaveLength(1);
  });
});
