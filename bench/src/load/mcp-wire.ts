import type { Dispatcher } from 'undici';

/** An MCP session the generator opened. */
export interface WireSession {
  id: string | null;
  headers: Record<string, string>;
}

const PROTOCOL_VERSION = '2025-06-18';
const BASE_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'sluice-bench', version: '0.1.0' } },
});
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

interface RpcAnswer {
  id?: unknown;
  result?: { protocolVersion?: unknown; isError?: unknown; content?: Array<{ text?: unknown }> };
  error?: { code?: unknown; message?: unknown };
}

/**
 * MCP Streamable HTTP spoken directly over an undici dispatcher (keep-alive pool): one initialize per session,
 * then `tools/call` of the echo tool with a prebuilt body. Answers may be JSON or an SSE stream; every answer is
 * checked (HTTP status, JSON-RPC error, `isError`, the text's length) and a failure throws with a short reason.
 */
export class McpWire {
  private readonly path: string;
  private readonly callPrefix = '{"jsonrpc":"2.0","id":';
  private readonly callSuffix: string;
  private opened = 0;

  constructor(
    url: string,
    private readonly dispatcher: Dispatcher,
    tool: string,
    payloadBytes: number,
    private readonly expectTextBytes: number,
    private readonly bearerTokens: readonly string[] = [],
  ) {
    const parsed = new URL(url);
    this.path = parsed.pathname + parsed.search;
    const params = { name: tool, arguments: { message: 'x'.repeat(payloadBytes) } };
    this.callSuffix = `,"method":"tools/call","params":${JSON.stringify(params)}}`;
  }

  /** Opens a session: initialize, then notifications/initialized; with bearer tokens, each session takes the next. */
  async open(): Promise<WireSession> {
    const token = this.bearerTokens.length > 0 ? this.bearerTokens[this.opened++ % this.bearerTokens.length] : undefined;
    const base: Record<string, string> = token === undefined ? { ...BASE_HEADERS } : { ...BASE_HEADERS, authorization: `Bearer ${token}` };
    const res = await this.post(INITIALIZE, base);
    const answer = await this.answer(res, 0);
    const id = headerValue(res.headers['mcp-session-id']);
    const version = typeof answer.result?.protocolVersion === 'string' ? answer.result.protocolVersion : PROTOCOL_VERSION;
    const headers: Record<string, string> = { ...base, 'mcp-protocol-version': version };
    if (id !== null) headers['mcp-session-id'] = id;
    const note = await this.post(INITIALIZED, headers);
    await note.body.dump();
    if (note.statusCode !== 202 && note.statusCode !== 200 && note.statusCode !== 204) throw new Error(`notifications/initialized: HTTP ${note.statusCode}`);
    return { id, headers };
  }

  /** One `tools/call` of the echo tool with JSON-RPC id `id`; `signal` aborts it (waiting for a connection too). */
  async call(session: WireSession, id: number, signal?: AbortSignal): Promise<void> {
    const res = await this.post(this.callPrefix + id + this.callSuffix, session.headers, signal);
    const answer = await this.answer(res, id);
    const result = answer.result;
    if (!result) throw new Error('answer without result');
    if (result.isError === true) throw new Error(`tool error: ${String(result.content?.[0]?.text).slice(0, 80)}`);
    const text = result.content?.[0]?.text;
    if (typeof text !== 'string' || text.length !== this.expectTextBytes) {
      throw new Error(`echo text of ${typeof text === 'string' ? text.length : typeof text} bytes, expected ${this.expectTextBytes}`);
    }
  }

  /** Ends a session with DELETE (a 405 means the server does not support it, which is allowed). */
  async close(session: WireSession): Promise<void> {
    if (session.id === null) return;
    const res = await this.dispatcher.request({ path: this.path, method: 'DELETE', headers: session.headers });
    await res.body.dump();
    if (res.statusCode >= 300 && res.statusCode !== 405) throw new Error(`DELETE: HTTP ${res.statusCode}`);
  }

  private post(body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({ path: this.path, method: 'POST', headers, body, ...(signal ? { signal } : {}) });
  }

  private async answer(res: Dispatcher.ResponseData, id: number): Promise<RpcAnswer> {
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}${errorSuffix(text)}`);
    const type = headerValue(res.headers['content-type']) ?? '';
    const answer = type.startsWith('text/event-stream') ? fromEventStream(text, id) : (JSON.parse(text) as RpcAnswer);
    if (answer.error) throw new Error(`JSON-RPC ${String(answer.error.code)}: ${String(answer.error.message).slice(0, 80)}`);
    return answer;
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function errorSuffix(text: string): string {
  try {
    const parsed = JSON.parse(text) as RpcAnswer;
    return parsed.error ? ` (${String(parsed.error.code)}: ${String(parsed.error.message).slice(0, 80)})` : '';
  } catch {
    return text ? ` (${text.slice(0, 80)})` : '';
  }
}

/** The answer with JSON-RPC id `id` among the `data:` events of an SSE body. */
function fromEventStream(text: string, id: number): RpcAnswer {
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    const message = JSON.parse(data) as RpcAnswer;
    if (message.id === id && (message.result || message.error)) return message;
  }
  throw new Error('event stream ended without the answer');
}
