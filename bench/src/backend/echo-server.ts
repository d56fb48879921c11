import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { delay, ECHO_TOOL, ECHO_TOOL_SPEC, echoText } from './echo-tool.js';
import type { BackendState } from './stats.js';

/** An SDK `McpServer` serving the `echo` tool under the backend's current knobs (one per session). */
export function createEchoServer(state: BackendState): McpServer {
  const server = new McpServer({ name: 'sluice-bench-backend', version: '0.1.0' });
  server.registerTool(ECHO_TOOL, { description: ECHO_TOOL_SPEC.description, inputSchema: { message: z.string() } }, async ({ message }) => {
    state.calls += 1;
    await delay(state.knobs.delayMs);
    return { content: [{ type: 'text' as const, text: echoText(message, state.knobs) }] };
  });
  return server;
}
