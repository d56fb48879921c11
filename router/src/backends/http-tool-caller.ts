import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RouterError } from '../errors.js';

/** The session a call runs in: what the SDK client negotiated at initialize. */
export interface HttpSession {
  sessionId: string | undefined;
  protocolVersion: string | undefined;
}

/** Connections and timeouts of the call path. */
export interface HttpToolCallerOptions {
  url: URL;
  /** Configured headers, sent with every request. */
  headers: Readonly<Record<string, string>>;
  /** Most connections to the server open at once (calls beyond it queue). */
  connections?: number;
}

/** A transport-level failure: the request may not have reached the server, or its answer was lost. */
export class HttpCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HttpCallError';
  }
}

const ACCEPT = 'application/json, text/event-stream';
const CANCEL_TIMEOUT_MS = 1_000;

/**
 * `tools/call` over Streamable HTTP without the SDK client in the path: one POST per call on a keep-alive
 * connection pool, the answer read from a JSON body or from the SSE stream of the POST, the result handed back as
 * the server sent it. The SDK client still runs the session (initialize, tools/list, the GET stream, reconnects);
 * this path reuses its session id and negotiated protocol version. It costs about half the CPU of the SDK's
 * transport, which builds a fetch Request, Headers and a shared AbortSignal per call.
 */
export class HttpToolCaller {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly baseHeaders: Record<string, string>;
  private nextId = 0;

  constructor(options: HttpToolCallerOptions) {
    this.pool = new Pool(options.url.origin, { connections: options.connections ?? 256, pipelining: 1 });
    this.path = `${options.url.pathname}${options.url.search}`;
    this.baseHeaders = { ...lowerCased(options.headers), accept: ACCEPT, 'content-type': 'application/json' };
  }

  /**
   * Calls a tool. A JSON-RPC error from the server rejects with the SDK's McpError (code, message and data as
   * sent); a result that is not a tool result rejects with SLUICE_ROUTER_BACKEND_INVALID_RESULT; a failure to
   * deliver or to read the answer rejects with {@link HttpCallError}. Aborting `signal` ends the request and
   * tells the server with `notifications/cancelled`.
   */
  async callTool(session: HttpSession, name: string, args: Record<string, unknown> | undefined, signal: AbortSignal): Promise<CallToolResult> {
    const id = `sluice-${this.nextId++}`;
    const params = args === undefined ? { name } : { name, arguments: args };
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
    const onAbort = (): void => this.cancel(session, id, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const message = await this.post(session, body, id, signal);
      return toolResult(message);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the pool's connections; calls in flight fail. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private headers(session: HttpSession): Record<string, string> {
    const headers = { ...this.baseHeaders };
    if (session.sessionId) headers['mcp-session-id'] = session.sessionId;
    if (session.protocolVersion) headers['mcp-protocol-version'] = session.protocolVersion;
    return headers;
  }

  /** POSTs one request; resolves with the JSON-RPC response whose id is `id`. */
  private async post(session: HttpSession, body: string, id: string, signal: AbortSignal): Promise<JsonRpcAnswer> {
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.pool.request({ method: 'POST', path: this.path, headers: this.headers(session), body, signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new HttpCallError(`cannot reach the server: ${errorText(err)}`, null);
    }
    const { statusCode } = response;
    const type = String(response.headers['content-type'] ?? '');
    if (statusCode < 200 || statusCode > 299) {
      const text = await response.body.text().catch(() => '');
      const detail = statusCode === 404 && session.sessionId ? 'the session is gone' : text.slice(0, 200) || 'no body';
      throw new HttpCallError(`the server answered HTTP ${statusCode}: ${detail}`, statusCode);
    }
    try {
      if (type.startsWith('text/event-stream')) return await answerFromStream(response.body, id);
      if (type.startsWith('application/json')) return answerFromJson(await response.body.text(), id);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw err;
    }
    await response.body.dump().catch(() => undefined);
    throw new HttpCallError(`the server answered with content type ${type || 'none'}`, statusCode);
  }

  /** Tells the server the request is abandoned (best effort, bounded). */
  private cancel(session: HttpSession, id: string, reason: unknown): void {
    const params = { requestId: id, reason: reason instanceof Error ? reason.message : String(reason) };
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params });
    this.pool
      .request({ method: 'POST', path: this.path, headers: this.headers(session), body, signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) })
      .then((r) => r.body.dump())
      .catch(() => undefined);
  }
}

/** A JSON-RPC response as received. */
interface JsonRpcAnswer {
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

type Body = Awaited<ReturnType<Pool['request']>>['body'];

/** Reads SSE events until the response to `id` arrives; other messages (progress, logging) are skipped. */
async function answerFromStream(body: Body, id: string): Promise<JsonRpcAnswer> {
  let answer: JsonRpcAnswer | null = null;
  let bad: Error | null = null;
  const parser = createParser({
    onEvent: (event) => {
      if (answer || bad || (event.event !== undefined && event.event !== 'message')) return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        bad = new HttpCallError('the server sent an event that is not JSON', 200);
        return;
      }
      if (isAnswerTo(message, id)) answer = message;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (bad) break;
    if (answer) break;
  }
  // Leaving the loop early destroys the stream; the server sees the SSE stream of this POST closed.
  if (bad) throw bad;
  if (answer) return answer;
  throw new HttpCallError('the server closed the event stream without answering', 200);
}

function answerFromJson(text: string, id: string): JsonRpcAnswer {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new HttpCallError('the server answered with a body that is not JSON', 200);
  }
  const candidates = Array.isArray(message) ? message : [message];
  const answer = candidates.find((m) => isAnswerTo(m, id));
  if (!answer) throw new HttpCallError('the server answered without a response to the request', 200);
  return answer as JsonRpcAnswer;
}

function isAnswerTo(message: unknown, id: string): message is JsonRpcAnswer {
  return typeof message === 'object' && message !== null && (message as { id?: unknown }).id === id && ('result' in message || 'error' in message);
}

/** The tool result, or the server's JSON-RPC error as an McpError. */
function toolResult(answer: JsonRpcAnswer): CallToolResult {
  if (answer.error !== undefined) {
    const { code, message, data } = answer.error;
    if (typeof code !== 'number' || typeof message !== 'string') {
      throw new RouterError('SLUICE_ROUTER_BACKEND_INVALID_RESULT', 'Backend answered with a malformed JSON-RPC error');
    }
    throw new McpError(code, message, data);
  }
  const result = answer.result;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new RouterError('SLUICE_ROUTER_BACKEND_INVALID_RESULT', 'Backend returned a tool result that is not an object');
  }
  const content = (result as { content?: unknown }).content;
  if (content === undefined) return { ...result, content: [] };
  if (!Array.isArray(content)) throw new RouterError('SLUICE_ROUTER_BACKEND_INVALID_RESULT', 'Backend returned a tool result whose content is not a list');
  return result as CallToolResult;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
