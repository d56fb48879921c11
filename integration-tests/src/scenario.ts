import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { eventually, sql, type GatewayProcess } from './harness.js';
import { connectClient, firstText } from './mcp.js';

/** One row of sluice.calls as the admin endpoint returns it. */
export interface CallRow {
  request_id: string;
  method: string;
  tool: string | null;
  server: string | null;
  outcome: string;
  latency_ms: number;
  error_code: number | null;
  agent: string | null;
  policy_revision: string;
}

/**
 * The walking skeleton, as an agent and an analyst see it: a real MCP client initializes, lists tools, calls
 * server-everything's echo through the gateway and calls a tool nobody provides; then the audit store has both calls.
 */
export async function toolCallScenario(mcpPort: number, audit: GatewayProcess, agent: string): Promise<void> {
  const client = await connectClient(mcpPort, agent);
  try {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('everything__echo');
    expect(names.every((n) => n.startsWith('everything__'))).toBe(true);

    const message = `hello from ${agent}`;
    const echoed = await client.callTool({ name: 'everything__echo', arguments: { message } });
    expect(firstText(echoed)).toBe(`Echo: ${message}`);

    const refused = await client.callTool({ name: 'nobody__nothing', arguments: {} }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(McpError);
    expect((refused as McpError).code).toBe(-32003);
    expect((refused as McpError).message).toContain('nobody__nothing');
  } finally {
    await client.close();
  }

  const rows = await eventually(
    async () => {
      const found = await sql<CallRow>(
        audit,
        `SELECT request_id, method, tool, server, outcome, latency_ms, error_code, agent, policy_revision
         FROM sluice.calls WHERE agent = '${agent}' AND method = 'tools/call' ORDER BY started_at`,
      );
      return found.length >= 2 ? found : undefined;
    },
    30_000,
    `two tools/call rows for ${agent} in sluice.calls`,
  );
  const echo = rows.find((r) => r.tool === 'echo');
  expect(echo).toMatchObject({ server: 'everything', outcome: 'ok' });
  expect(Number(echo!.latency_ms)).toBeGreaterThan(0);
  expect(echo!.policy_revision).toMatch(/\S/);
  const unknown = rows.find((r) => r.outcome !== 'ok');
  expect(['denied', 'error']).toContain(unknown!.outcome);
  expect(unknown!.error_code).toBe(-32003);
}
