import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';
import { inMemoryServer, withInMemory } from '../support/servers.js';

/** A server with one `deploy` tool that records every call it receives. */
function deployServer(calls: string[], server: string): () => McpServer {
  return () => {
    const mcp = new McpServer({ name: server, version: '1.0.0' });
    mcp.registerTool('deploy', {}, async () => {
      calls.push(server);
      return { content: [{ type: 'text', text: `${server} deployed` }] };
    });
    return mcp;
  };
}

const names = (result: Record<string, unknown> | undefined): string[] =>
  ((result?.tools ?? []) as Array<{ name: string }>).map((t) => t.name).sort();
const principal = (environment: string | null) => ({ user: 'dev', agent: 'ci', roles: [], environment });

describe('servers restricted to environments', () => {
  let harness: Harness;
  let router: RunningService;
  const calls: string[] = [];

  beforeAll(async () => {
    harness = await Harness.create();
    const ctx = harness.context({
      prod: inMemoryServer({ environments: ['production'] }),
      stage: inMemoryServer({ environments: ['staging', 'development'] }),
      both: inMemoryServer({ tenants: ['acme'], environments: ['production'] }),
      open: inMemoryServer(),
    });
    router = await startRouter(ctx, {
      createBackend: withInMemory({ prod: deployServer(calls, 'prod'), stage: deployServer(calls, 'stage'), both: deployServer(calls, 'both'), open: deployServer(calls, 'open') }),
    });
  });

  afterAll(async () => {
    await router?.stop();
  });

  it('lists to each environment the tools of its servers and of unrestricted ones; a principal without one sees only the unrestricted', async () => {
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const production = await harness.call(list, { tenant: 'acme', principal: principal('production') });
    expect(names(production.response.result)).toEqual(['both__deploy', 'open__deploy', 'prod__deploy']);
    const staging = await harness.call(list, { tenant: 'acme', principal: principal('staging') });
    expect(names(staging.response.result)).toEqual(['open__deploy', 'stage__deploy']);
    const none = await harness.call(list, { tenant: 'acme', principal: principal(null) });
    expect(names(none.response.result)).toEqual(['open__deploy']);
    const otherTenant = await harness.call(list, { tenant: 'globex', principal: principal('production') });
    expect(names(otherTenant.response.result)).toEqual(['open__deploy', 'prod__deploy']);
  });

  it('never calls a production server for a staging principal, even when a decision allowed it', async () => {
    calls.length = 0;
    const before = harness.produced().filter((p) => p.topic === 'dispatches').length;
    for (const [environment, tool] of [
      ['staging', 'prod__deploy'],
      [null, 'prod__deploy'],
      ['production', 'stage__deploy'],
    ] as const) {
      const refused = await harness.call(toolCall(2, tool), { tenant: 'acme', principal: principal(environment), allow: true });
      expect(refused.response.error, `${environment} → ${tool}`).toEqual({ code: -32602, message: `Unknown tool: ${tool}` });
    }
    const crossTenant = await harness.call(toolCall(3, 'both__deploy'), { tenant: 'globex', principal: principal('production'), allow: true });
    expect(crossTenant.response.error?.message).toBe('Unknown tool: both__deploy');
    expect(calls).toEqual([]);
    expect(harness.produced().filter((p) => p.topic === 'dispatches').length).toBe(before);
  });

  it('calls it for a production principal', async () => {
    calls.length = 0;
    const ok = await harness.call(toolCall(4, 'prod__deploy'), { tenant: 'acme', principal: principal('production') });
    expect(ok.response.result?.content).toEqual([{ type: 'text', text: 'prod deployed' }]);
    expect(calls).toEqual(['prod']);
  });
});
