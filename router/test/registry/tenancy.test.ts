import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';
import { inMemoryServer, withInMemory } from '../support/servers.js';

/** A server with `echo` and `lookup` that counts every call it receives. */
function countingServer(calls: string[], server: string): () => McpServer {
  return () => {
    const mcp = new McpServer({ name: server, version: '1.0.0' });
    mcp.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => {
      calls.push(`${server}.echo`);
      return { content: [{ type: 'text', text: `${server}: ${message}` }] };
    });
    mcp.registerTool('lookup', {}, async () => {
      calls.push(`${server}.lookup`);
      return { content: [{ type: 'text', text: `${server} data` }] };
    });
    return mcp;
  };
}

const names = (result: Record<string, unknown> | undefined): string[] =>
  ((result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name).sort();

describe('servers restricted to tenants', () => {
  let harness: Harness;
  let router: RunningService;
  const calls: string[] = [];

  beforeAll(async () => {
    harness = await Harness.create();
    const ctx = harness.context({
      books: inMemoryServer({ tenants: ['acme'] }),
      crm: inMemoryServer({ tenants: ['globex'] }),
      clock: inMemoryServer(),
    });
    router = await startRouter(ctx, {
      createBackend: withInMemory({ books: countingServer(calls, 'books'), crm: countingServer(calls, 'crm'), clock: countingServer(calls, 'clock') }),
    });
  });

  afterAll(async () => {
    await router?.stop();
  });

  it('lists to each tenant the tools of its own servers and of unrestricted ones only', async () => {
    const acme = await harness.call({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { tenant: 'acme' });
    expect(names(acme.response.result)).toEqual(['books__echo', 'books__lookup', 'clock__echo', 'clock__lookup']);
    const globex = await harness.call({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { tenant: 'globex' });
    expect(names(globex.response.result)).toEqual(['clock__echo', 'clock__lookup', 'crm__echo', 'crm__lookup']);
    const other = await harness.call({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { tenant: 'initech' });
    expect(names(other.response.result)).toEqual(['clock__echo', 'clock__lookup']);
  });

  it('still records every server and tool in the registry snapshot, which the policy worker resolves against', () => {
    const snapshot = harness.snapshots().at(-1);
    expect(snapshot?.servers.map((s) => [s.name, s.tools.length])).toEqual([
      ['books', 2],
      ['clock', 2],
      ['crm', 2],
    ]);
  });

  it('lets each tenant call its own servers', async () => {
    const acme = await harness.call(toolCall(2, 'books__echo', { message: 'hi' }), { tenant: 'acme' });
    expect(acme.response.result?.content).toEqual([{ type: 'text', text: 'books: hi' }]);
    const globex = await harness.call(toolCall(2, 'crm__lookup'), { tenant: 'globex' });
    expect(globex.response.result?.content).toEqual([{ type: 'text', text: 'crm data' }]);
    expect(calls).toEqual(['books.echo', 'crm.lookup']);
  });

  it('never calls another tenant’s server, even when a decision allowed it (policy disabled or too lax)', async () => {
    calls.length = 0;
    const before = harness.produced().filter((p) => p.topic === 'dispatches').length;
    const stolen = await harness.call(toolCall(3, 'crm__lookup'), { tenant: 'acme', allow: true });
    expect(stolen.response.error).toEqual({ code: -32602, message: 'Unknown tool: crm__lookup' });
    expect(stolen.event.body).toMatchObject({ outcome: 'error', server: null, tool: 'crm__lookup' });
    const reverse = await harness.call(toolCall(4, 'books__echo', { message: 'leak?' }), { tenant: 'globex', allow: true });
    expect(reverse.response.error?.message).toBe('Unknown tool: books__echo');
    expect(JSON.stringify(reverse.response)).not.toContain('books:');
    expect(calls).toEqual([]);
    expect(harness.produced().filter((p) => p.topic === 'dispatches').length).toBe(before);
  });

  it('answers a denied call with the policy’s reason without calling the server', async () => {
    calls.length = 0;
    const denied = await harness.call(toolCall(5, 'crm__lookup'), {
      tenant: 'acme',
      allow: false,
      reason: 'server "crm" is not open to tenant "acme"',
    });
    expect(denied.response.error).toEqual({ code: -32003, message: 'Denied by policy: server "crm" is not open to tenant "acme"' });
    expect(calls).toEqual([]);
  });
});
