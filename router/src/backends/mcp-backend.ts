import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { TimeoutQueue, type Logger } from '@sluice/core';
import { RouterError, isRouterError } from '../errors.js';
import { ROUTER_VERSION } from '../version.js';
import type { HttpSession } from './http-tool-caller.js';
import type { Backend, BackendEvent, BackendState, BackendStatus, BackendTransportKind, CallSubject, CallToolOptions } from './backend.js';

/** Delays between reconnection attempts: doubling from `initialMs`, never above `maxMs`. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** The default reconnection backoff: 250 ms doubling up to 10 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

/** How to build an {@link McpBackend}. */
export interface McpBackendOptions {
  name: string;
  transport: BackendTransportKind;
  /** Bounds each connection attempt and each page of tools/list. */
  timeoutMs: number;
  logger: Logger;
  /** A fresh, unstarted transport for each connection attempt. */
  createTransport: () => Transport;
  /** The server's process id, for transports that run one. */
  pidOf?: (transport: Transport) => number | null;
  /** Ends the server-side session when the backend is closed for good (best effort, bounded by 1 s). */
  terminate?: (transport: Transport) => Promise<void>;
  backoff?: BackoffOptions;
  /**
   * A cheaper path for `tools/call` that shares the session the SDK client opened on the transport; without it
   * calls go through the client. Closed with the backend.
   */
  directCalls?: DirectCalls;
}

/** Tool calls outside the SDK client, in the client's session. */
export interface DirectCalls {
  caller: {
    callTool(session: HttpSession, name: string, args: Record<string, unknown> | undefined, signal: AbortSignal, subject?: CallSubject): Promise<CallToolResult>;
    close(): Promise<void>;
  };
  sessionOf(transport: Transport): HttpSession;
}

const MAX_TOOL_PAGES = 1000;

/** A {@link Backend} on the MCP SDK client, over whatever transport `createTransport` builds. */
export class McpBackend implements Backend {
  readonly name: string;
  readonly transport: BackendTransportKind;
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  private readonly backoff: BackoffOptions;
  private readonly logger: Logger;
  private client: Client | null = null;
  private currentTransport: Transport | null = null;
  private attempt: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private state: BackendState = 'connecting';
  private since = Date.now();
  private lastError: string | null = null;
  /** The gateway's credentials were refused (or no token was had) at the last attempt: calls fail with its code. */
  private credentialFailure: RouterError | null = null;
  private failedAttempts = 0;
  /** Call timeouts by duration (a server has one), each on one timer. */
  private readonly callTimeouts = new Map<number, TimeoutQueue>();

  constructor(private readonly options: McpBackendOptions) {
    this.name = options.name;
    this.transport = options.transport;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.logger = options.logger.child({ server: options.name });
  }

  async connect(): Promise<void> {
    if (this.state === 'closed') throw this.closedError();
    if (this.state === 'up') return;
    try {
      await (this.attempt ?? this.startAttempt());
    } catch (err) {
      throw new RouterError('SLUICE_ROUTER_BACKEND_DOWN', `Backend ${this.name} is down: ${errorText(err)}`, { cause: err });
    }
  }

  async listTools(): Promise<Tool[]> {
    const client = this.connected();
    if (!client.getServerCapabilities()?.tools) return [];
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.options.timeoutMs });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) return tools;
    }
    throw new Error(`tools/list of ${this.name} returned more than ${MAX_TOOL_PAGES} pages`);
  }

  async callTool(name: string, args: Record<string, unknown> | undefined, options: CallToolOptions): Promise<CallToolResult> {
    const client = this.connected();
    // A lent signal is aborted in place on timeout; otherwise a signal of our own follows the caller's.
    const own = options.signal && options.abort ? null : new AbortController();
    const signal = own ? own.signal : (options.signal as AbortSignal);
    const abort = own ? (reason: unknown): void => own.abort(reason) : (options.abort as (reason: unknown) => void);
    const timeout = this.timeouts(options.timeoutMs).add(() =>
      abort(new RouterError('SLUICE_ROUTER_BACKEND_TIMEOUT', `Backend timed out after ${options.timeoutMs} ms`)),
    );
    const forward = (): void => own?.abort(options.signal?.reason);
    if (own && options.signal?.aborted) forward();
    else if (own) options.signal?.addEventListener('abort', forward, { once: true });
    try {
      const direct = this.options.directCalls;
      const transport = this.currentTransport;
      if (direct && transport) return await direct.caller.callTool(direct.sessionOf(transport), name, args, signal, options.subject);
      const params = args === undefined ? { name } : { name, arguments: args };
      // The SDK's own timeout is a backstop only: ours fires first and is told apart from a backend's -32001.
      return await client.request({ method: 'tools/call', params }, CallToolResultSchema, {
        signal,
        timeout: options.timeoutMs + 60_000,
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw this.callFailure(client, err);
    } finally {
      timeout.cancel();
      if (own) options.signal?.removeEventListener('abort', forward);
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed', null);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.attempt?.catch(() => undefined);
    const client = this.client;
    const transport = this.currentTransport;
    this.client = null;
    this.currentTransport = null;
    if (client && transport && this.options.terminate) await boundedQuietly(this.options.terminate(transport), 1_000);
    await client?.close();
    await this.options.directCalls?.caller.close();
  }

  status(): BackendStatus {
    const pid = this.currentTransport && this.options.pidOf ? this.options.pidOf(this.currentTransport) : null;
    return { state: this.state, since: this.since, lastError: this.lastError, failedAttempts: this.failedAttempts, pid };
  }

  onEvent(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private timeouts(ms: number): TimeoutQueue {
    let queue = this.callTimeouts.get(ms);
    if (!queue) {
      queue = new TimeoutQueue(ms);
      this.callTimeouts.set(ms, queue);
    }
    return queue;
  }

  private startAttempt(): Promise<void> {
    const attempt = this.connectOnce().then(
      () => {
        this.attempt = null;
      },
      (err: unknown) => {
        this.attempt = null;
        if (this.state === 'closed') throw err;
        this.credentialFailure = isRouterError(err, 'SLUICE_ROUTER_BACKEND_UNAUTHORIZED', 'SLUICE_ROUTER_BACKEND_TOKEN_FAILED') ? err : null;
        this.failedAttempts++;
        this.setState('down', errorText(err));
        this.logger.warn({ err: errorText(err), failedAttempts: this.failedAttempts }, 'backend connection failed');
        this.scheduleReconnect();
        throw err;
      },
    );
    this.attempt = attempt;
    return attempt;
  }

  private async connectOnce(): Promise<void> {
    const transport = this.options.createTransport();
    const client = new Client({ name: 'sluice-router', version: ROUTER_VERSION }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.emit('tools-changed'));
    client.onerror = (err) => this.logger.debug({ err: errorText(err) }, 'backend transport error');
    client.onclose = () => {
      if (this.client === client) this.dropped('the connection closed');
    };
    this.currentTransport = transport;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to initialize within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      await Promise.race([client.connect(transport), timeout]);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (this.state === 'closed') {
      await client.close();
      throw this.closedError();
    }
    this.client = client;
    this.credentialFailure = null;
    this.failedAttempts = 0;
    this.setState('up', null);
    this.logger.info('backend connected');
    this.emit('up');
  }

  private dropped(reason: string): void {
    this.client = null;
    if (this.state === 'closed') return;
    this.setState('down', reason);
    this.logger.warn({ reason }, 'backend disconnected');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed' || this.reconnectTimer || this.attempt) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.failedAttempts, 30));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state !== 'closed' && this.state !== 'up' && !this.attempt) this.startAttempt().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }

  private setState(state: BackendState, error: string | null): void {
    const changed = state !== this.state;
    this.state = state;
    this.lastError = error;
    if (!changed) return;
    this.since = Date.now();
    if (state === 'down') this.emit('down');
  }

  private emit(event: BackendEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err: errorText(err), event }, 'backend listener failed');
      }
    }
  }

  private connected(): Client {
    if (this.state === 'closed') throw this.closedError();
    if (this.state !== 'up' || !this.client) {
      const refused = this.credentialFailure;
      if (refused && this.state === 'down') throw new RouterError(refused.code, `${refused.message} (backend ${this.name} is down)`);
      const why = this.lastError ? `: ${this.lastError}` : '';
      throw new RouterError('SLUICE_ROUTER_BACKEND_DOWN', `Backend ${this.name} is down${why}`);
    }
    return this.client;
  }

  /** What a failed call means for the caller: the server's JSON-RPC error passes through unchanged. */
  private callFailure(client: Client, err: unknown): unknown {
    if (err instanceof McpError) {
      if (err.code === ErrorCode.ConnectionClosed && this.client !== client) {
        return new RouterError('SLUICE_ROUTER_BACKEND_LOST', `Backend ${this.name} closed the connection during the call`, { cause: err });
      }
      return err;
    }
    if (isRouterError(err)) return err;
    if (isValidationError(err)) {
      return new RouterError('SLUICE_ROUTER_BACKEND_INVALID_RESULT', `Backend ${this.name} returned an invalid result`, { cause: err });
    }
    // The transport could not deliver the request: treat the connection as lost and reconnect.
    this.logger.warn({ err: errorText(err) }, 'backend call failed in the transport; reconnecting');
    void client.close().catch(() => undefined);
    if (this.client === client) this.dropped(errorText(err));
    return new RouterError('SLUICE_ROUTER_BACKEND_DOWN', `Backend ${this.name} is unreachable: ${errorText(err)}`, { cause: err });
  }

  private closedError(): RouterError {
    return new RouterError('SLUICE_ROUTER_BACKEND_CLOSED', `Backend ${this.name} is closed`);
  }
}

async function boundedQuietly(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work.catch(() => undefined), bound]);
  clearTimeout(timer);
}

function isValidationError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && Array.isArray((err as { issues?: unknown }).issues);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
