import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createEchoServer } from './echo-server.js';
import { readBody, sendJson } from './http-body.js';
import type { BackendState } from './stats.js';

/**
 * MCP Streamable HTTP with the SDK: one `McpServer` and one `StreamableHTTPServerTransport` (JSON answers) per
 * session, created on `initialize` and dropped on DELETE.
 */
export function sdkMcpHandler(state: BackendState): (req: IncomingMessage, res: ServerResponse) => void {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = req.method === 'POST' ? (JSON.parse((await readBody(req)).toString('utf8')) as unknown) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (typeof sessionId === 'string') return sendJson(res, 404, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });
      if (req.method !== 'POST') return sendJson(res, 405, undefined, { allow: 'POST, DELETE' });
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => {
          transports.set(id, created);
          state.sessions += 1;
        },
        onsessionclosed: (id) => {
          transports.delete(id);
        },
      });
      await createEchoServer(state).connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  };
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    });
  };
}
