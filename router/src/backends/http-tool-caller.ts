import { Pool } from 'undici';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RouterError } from '../errors.js';
import { AnswerHandler, HttpCallError, type JsonRpcAnswer } from './answer-handler.js';
import type { CallSubject } from './backend.js';
import type { BackendAuth } from './backend-auth.js';
import type { BearerSource } from './oauth-token-source.js';

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
  /** The gateway's bearer token for the server, and what a 401 means; without it a 401 fails as any refusal. */
  auth?: BackendAuth;
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
  private readonly auth: BackendAuth | null;
  private nextId = 0;
  private lastHeaders: (HttpSession & { headers: Readonly<Record<string, string>> }) | null = null;

  constructor(options: HttpToolCallerOptions) {
    this.pool = new Pool(options.url.origin, { connections: options.connections ?? 256, pipelining: 1 });
    this.path = `${options.url.pathname}${options.url.search}`;
    this.baseHeaders = { ...lowerCased(options.headers), accept: ACCEPT, 'content-type': 'application/json' };
    this.auth = options.auth ?? null;
  }

  /**
   * Calls a tool. A JSON-RPC error from the server rejects with the SDK's McpError (code, message and data as
   * sent); a result that is not a tool result rejects with SLUICE_ROUTER_BACKEND_INVALID_RESULT; a failure to
   * deliver or to read the answer rejects with an `HttpCallError`. Aborting `signal` ends the request and
   * tells the server with `notifications/cancelled`. With token exchange the request carries the token of
   * `subject`, the caller.
   */
  async callTool(
    session: HttpSession,
    name: string,
    args: Record<string, unknown> | undefined,
    signal: AbortSignal,
    subject?: CallSubject,
  ): Promise<CallToolResult> {
    signal.throwIfAborted();
    const source = this.auth ? this.auth.forCall(subject) : null;
    const id = `sluice-${this.nextId++}`;
    const params = args === undefined ? { name } : { name, arguments: args };
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params });
    let message: JsonRpcAnswer;
    try {
      message = this.auth && source ? await this.postAuthorized(this.auth, source, session, body, id, signal) : await this.post(session, body, id, signal, null);
    } catch (err) {
      // The answer handler ends the request as soon as the signal aborts, so this runs then.
      if (signal.aborted) this.cancel(session, id, signal.reason, source);
      throw err;
    }
    return toolResult(message);
  }

  /** Closes the pool's connections; calls in flight fail. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** The request headers in a session; built again only when the session or its protocol version changes. */
  private headers(session: HttpSession): Record<string, string> {
    const last = this.lastHeaders;
    if (last && last.sessionId === session.sessionId && last.protocolVersion === session.protocolVersion) return last.headers;
    const headers = { ...this.baseHeaders };
    if (session.sessionId) headers['mcp-session-id'] = session.sessionId;
    if (session.protocolVersion) headers['mcp-protocol-version'] = session.protocolVersion;
    this.lastHeaders = { ...session, headers: Object.freeze(headers) };
    return headers;
  }

  /** POSTs with the bearer token; a 401 sends the request once more with a fresh token (it did not run). */
  private async postAuthorized(
    auth: BackendAuth,
    source: BearerSource,
    session: HttpSession,
    body: string,
    id: string,
    signal: AbortSignal,
  ): Promise<JsonRpcAnswer> {
    for (let retried = false; ; retried = true) {
      const token = await source.token();
      signal.throwIfAborted();
      try {
        return await this.post(session, body, id, signal, token);
      } catch (err) {
        if (!(err instanceof HttpCallError) || err.status !== 401) throw err;
        const outcome = auth.refused(token, err.challenge, retried, source);
        if (outcome !== true) throw outcome;
      }
    }
  }

  /** POSTs one request; resolves with the JSON-RPC response whose id is `id` (see {@link AnswerHandler}). */
  private post(session: HttpSession, body: string, id: string, signal: AbortSignal, token: string | null): Promise<JsonRpcAnswer> {
    return new Promise((resolve, reject) => {
      const handler = new AnswerHandler({ id, signal, inSession: Boolean(session.sessionId), resolve, reject });
      this.pool.dispatch({ method: 'POST', path: this.path, headers: this.withBearer(session, token), body }, handler);
    });
  }

  private withBearer(session: HttpSession, token: string | null): Record<string, string> {
    const headers = this.headers(session);
    return token === null ? headers : { ...headers, authorization: `Bearer ${token}` };
  }

  /** Tells the server the request is abandoned (best effort, bounded). */
  private cancel(session: HttpSession, id: string, reason: unknown, source: BearerSource | null): void {
    const params = { requestId: id, reason: reason instanceof Error ? reason.message : String(reason) };
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params });
    const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
    (source ? source.token() : Promise.resolve(null))
      .then((token) => this.pool.request({ method: 'POST', path: this.path, headers: this.withBearer(session, token), body, signal }))
      .then((r) => r.body.dump())
      .catch(() => undefined);
  }
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
