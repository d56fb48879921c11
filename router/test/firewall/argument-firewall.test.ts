import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { RunningService, ServiceContext } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall, until, type RpcResponse } from '../support/harness.js';
import { inMemoryServer, withInMemory } from '../support/servers.js';

/** A server that lists `tools` exactly as given (raw JSON Schemas) and records every call it receives. */
interface RawServer {
  tools: Tool[];
  calls: Array<{ name: string; arguments: unknown }>;
  live: McpServer[];
}

function rawServer(state: RawServer): () => McpServer {
  return () => {
    const mcp = new McpServer({ name: 'raw', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
    mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: state.tools }));
    mcp.server.setRequestHandler(CallToolRequestSchema, (request) => {
      state.calls.push({ name: request.params.name, arguments: request.params.arguments });
      return { content: [{ type: 'text', text: 'ran' }] };
    });
    state.live.push(mcp);
    return mcp;
  };
}

const ADD: Tool = {
  name: 'add',
  inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false },
};
const ANYTHING: Tool = { name: 'anything', inputSchema: { type: 'object' } };

let router: RunningService | undefined;

afterEach(async () => {
  await router?.stop();
  router = undefined;
});

async function start(tools: Tool[], config: Record<string, unknown> = {}): Promise<{ harness: Harness; state: RawServer; ctx: ServiceContext }> {
  const harness = await Harness.create();
  const state: RawServer = { tools, calls: [], live: [] };
  const ctx = harness.context({ raw: inMemoryServer(config) });
  router = await startRouter(ctx, { createBackend: withInMemory({ raw: rawServer(state) }) });
  return { harness, state, ctx };
}

/** Calls and expects a refusal that never reached the backend: -32602, outcome `invalid`, no dispatch event. */
async function refused(harness: Harness, state: RawServer, name: string, args: Record<string, unknown>): Promise<RpcResponse['error'] & object> {
  const decision = await harness.decide(toolCall(1, name, args));
  const { event, response } = await harness.reply(decision);
  expect(response.error?.code).toBe(-32602);
  expect(event.body.outcome).toBe('invalid');
  expect(event.body.errorCode).toBe(-32602);
  expect(harness.produced().filter((p) => p.event.type === 'dispatch' && p.event.requestId === decision.requestId)).toEqual([]);
  expect(state.calls).toEqual([]);
  return response.error as NonNullable<RpcResponse['error']>;
}

describe('the argument firewall', () => {
  it('refuses an argument of the wrong type, naming its path', async () => {
    const { harness, state } = await start([ADD]);
    const error = await refused(harness, state, 'raw__add', { a: '1; rm -rf /', b: 2 });
    expect(error.message).toContain('/a must be number');
    expect(error.data).toEqual({ code: 'SLUICE_ROUTER_ARGUMENTS_INVALID', errors: [{ path: '/a', message: 'must be number' }] });
  });

  it('refuses a call missing a required argument', async () => {
    const { harness, state } = await start([ADD]);
    const error = await refused(harness, state, 'raw__add', { a: 1 });
    expect(error.message).toContain("/ must have required property 'b'");
  });

  it('refuses a call without arguments when the schema requires some', async () => {
    const { harness, state } = await start([ADD]);
    const { response } = await harness.call(toolCall(1, 'raw__add'));
    expect(response.error?.message).toContain("must have required property 'a'");
    expect(state.calls).toEqual([]);
  });

  it('refuses an extra 1 MB argument the schema does not allow, even under a size limit that would let it through', async () => {
    const { harness, state } = await start([ADD], { arguments: { maxBytes: 4 * 1024 * 1024 } });
    const error = await refused(harness, state, 'raw__add', { a: 1, b: 2, blob: 'x'.repeat(1024 * 1024) });
    expect(error.message).toContain('/ must NOT have additional properties: blob');
  });

  it('refuses 1 MB of arguments over the default 256 KiB limit on a schema that allows anything', async () => {
    const { harness, state } = await start([ANYTHING]);
    const error = await refused(harness, state, 'raw__anything', { blob: 'x'.repeat(1024 * 1024) });
    expect(error.message).toContain('over the limit of 262144 (servers.raw.arguments.maxBytes)');
    expect(error.data).toMatchObject({ code: 'SLUICE_ROUTER_ARGUMENTS_TOO_LARGE', limit: 'maxBytes', max: 262144 });
  });

  it('refuses arguments nested deeper than maxDepth, naming where', async () => {
    const { harness, state } = await start([ANYTHING], { arguments: { maxDepth: 8 } });
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 40; i++) deep = { n: deep };
    const error = await refused(harness, state, 'raw__anything', deep);
    expect(error.message).toContain('deeper than 8 levels at /n/n/n/n/n/n/n/n (servers.raw.arguments.maxDepth)');
  });

  it('applies a tool’s own limit over the server’s', async () => {
    const { harness, state } = await start([ANYTHING, { ...ANYTHING, name: 'other' }], { arguments: { tools: { anything: { maxBytes: 64 } } } });
    const error = await refused(harness, state, 'raw__anything', { text: 'y'.repeat(100) });
    expect(error.message).toContain('(servers.raw.arguments.tools.anything.maxBytes)');
    const other = await harness.call(toolCall(2, 'raw__other', { text: 'y'.repeat(100) }));
    expect(other.event.body.outcome).toBe('ok');
  });

  it('passes a valid call to the server unchanged', async () => {
    const { harness, state } = await start([ADD]);
    const decision = await harness.decide(toolCall(1, 'raw__add', { a: 1, b: 2 }));
    const { event, response } = await harness.reply(decision);
    expect(response.result?.content).toEqual([{ type: 'text', text: 'ran' }]);
    expect(event.body.outcome).toBe('ok');
    expect(harness.produced().some((p) => p.event.type === 'dispatch' && p.event.requestId === decision.requestId)).toBe(true);
    expect(state.calls).toEqual([{ name: 'add', arguments: { a: 1, b: 2 } }]);
  });

  it('validates against the new schema once the server changes it (tools/list_changed)', async () => {
    const numeric: Tool = { name: 'set', description: 'v1', inputSchema: { type: 'object', properties: { v: { type: 'number' } }, required: ['v'] } };
    const { harness, state } = await start([numeric]);
    await refused(harness, state, 'raw__set', { v: 'text' });
    const before = harness.snapshots().length;
    state.tools = [{ ...numeric, description: 'v2', inputSchema: { type: 'object', properties: { v: { type: 'string' } }, required: ['v'] } }];
    await state.live[0]!.server.sendToolListChanged();
    await until(() => harness.snapshots().slice(before).some((s) => s.servers[0]?.tools[0]?.description === 'v2'), 5_000, 'the new schema');
    const text = await harness.call(toolCall(2, 'raw__set', { v: 'text' }));
    expect(text.event.body.outcome).toBe('ok');
    const number = await harness.call(toolCall(3, 'raw__set', { v: 1 }));
    expect(number.response.error?.message).toContain('/v must be string');
    expect(state.calls).toEqual([{ name: 'set', arguments: { v: 'text' } }]);
  });

  it('reads a draft-07 schema as draft-07 (tuple items, definitions)', async () => {
    const pair: Tool = {
      name: 'pair',
      inputSchema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        definitions: { label: { type: 'string', maxLength: 8 } },
        properties: { pair: { type: 'array', items: [{ $ref: '#/definitions/label' }, { type: 'number' }], additionalItems: false } },
        required: ['pair'],
      },
    };
    const { harness, state } = await start([pair]);
    const error = await refused(harness, state, 'raw__pair', { pair: ['a', 'b'] });
    expect(error.message).toContain('/pair/1 must be number');
    await refused(harness, state, 'raw__pair', { pair: ['a', 1, 2] });
    const ok = await harness.call(toolCall(2, 'raw__pair', { pair: ['a', 1] }));
    expect(ok.event.body.outcome).toBe('ok');
  });

  it('checks formats a schema declares', async () => {
    const mail: Tool = { name: 'mail', inputSchema: { type: 'object', properties: { to: { type: 'string', format: 'email' } } } };
    const { harness, state } = await start([mail]);
    const error = await refused(harness, state, 'raw__mail', { to: 'not an address' });
    expect(error.message).toContain('/to must match format "email"');
  });

  it('passes calls of a tool whose schema does not compile, and counts the schema once', async () => {
    const broken: Tool = { name: 'broken', inputSchema: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } };
    const { harness, state, ctx } = await start([broken]);
    for (const id of [1, 2]) expect((await harness.call(toolCall(id, 'raw__broken', { a: 1 }))).event.body.outcome).toBe('ok');
    expect(state.calls).toHaveLength(2);
    const counted = await ctx.metrics.schemasUncompilable.get();
    expect(counted.values).toEqual([expect.objectContaining({ labels: { server: 'raw' }, value: 1 })]);
  });

  it('passes anything when validate is off, limits still apply', async () => {
    const { harness, state } = await start([ADD], { arguments: { validate: false, maxBytes: 1024 } });
    expect((await harness.call(toolCall(1, 'raw__add', { a: 'x' }))).event.body.outcome).toBe('ok');
    expect(state.calls).toHaveLength(1);
    const big = await harness.call(toolCall(2, 'raw__add', { a: 'x'.repeat(2048) }));
    expect(big.response.error?.message).toContain('servers.raw.arguments.maxBytes');
    expect(state.calls).toHaveLength(1);
  });
});
