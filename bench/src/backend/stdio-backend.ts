import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createEchoServer } from './echo-server.js';
import type { BackendState } from './stats.js';

/** Serves the `echo` tool over stdio (newline-delimited JSON-RPC) with the SDK, until stdin closes. */
export async function startStdioBackend(state: BackendState): Promise<void> {
  await createEchoServer(state).connect(new StdioServerTransport());
}
