import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay, ECHO_TOOL, ECHO_TOOL_SPEC, echoText } from './echo-tool.js';
import { readBody, sendJson } from './http-body.js';
import type { BackendState } from './stats.js';

const LATEST = '2025-06-18';
const SUPPORTED = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);

type Id = string | number;
interface Message {
  jsonrpc?: unknown;
  id?: Id;
  method?: unknown;
  params?: Record<string, unknown>;
}

/**
 * A hand-rolled MCP Streamable HTTP responder: JSON answers only, sessions issued but never checked, the `echo`
 * tool, `ping` and `tools/list`. Just enough of the protocol for gateways and the load generator, at a fraction of
 * the SDK transport's cost per call (see the bench README for the measurement).
 */
export function rawMcpHandler(state: BackendState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method === 'DELETE') return sendJson(res, 200, undefined);
    if (req.method !== 'POST') return sendJson(res, 405, undefined, { allow: 'POST, DELETE' });
    readBody(req)
      .then(async (body) => {
        const parsed = JSON.parse(body.toString('utf8')) as Message | Message[];
        const batch = Array.isArray(parsed) ? parsed : [parsed];
        const headers: Record<string, string> = {};
        const answers: unknown[] = [];
        for (const message of batch) {
          if (message.method === 'initialize') {
            headers['mcp-session-id'] = randomBytes(16).toString('hex');
            state.sessions += 1;
          }
          const reply = await answer(state, message);
          if (reply !== undefined) answers.push(reply);
        }
        if (answers.length === 0) return sendJson(res, 202, undefined, headers);
        sendJson(res, 200, Array.isArray(parsed) ? answers : answers[0], headers);
      })
      .catch(() => sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
  };
}

async function answer(state: BackendState, message: Message): Promise<unknown> {
  if (message.id === undefined || typeof message.method !== 'string') return undefined;
  const ok = (result: unknown): unknown => ({ jsonrpc: '2.0', id: message.id, result });
  const fail = (code: number, text: string): unknown => ({ jsonrpc: '2.0', id: message.id, error: { code, message: text } });
  switch (message.method) {
    case 'initialize': {
      const asked = message.params?.protocolVersion;
      const protocolVersion = typeof asked === 'string' && SUPPORTED.has(asked) ? asked : LATEST;
      return ok({ protocolVersion, capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'sluice-bench-backend', version: '0.1.0' } });
    }
    case 'ping':
      return ok({});
    case 'tools/list':
      return ok({ tools: [ECHO_TOOL_SPEC] });
    case 'tools/call': {
      const params = message.params ?? {};
      const args = (params.arguments ?? {}) as Record<string, unknown>;
      if (params.name !== ECHO_TOOL) return fail(-32602, `Unknown tool: ${String(params.name)}`);
      if (typeof args.message !== 'string') return fail(-32602, 'echo needs a string message');
      state.calls += 1;
      await delay(state.knobs.delayMs);
      return ok({ content: [{ type: 'text', text: echoText(args.message, state.knobs) }] });
    }
    default:
      return fail(-32601, `Method not found: ${message.method}`);
  }
}
