import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@sluice/schemas';

/** How the router reaches a backend server. */
export type BackendTransportKind = 'stdio' | 'streamable-http' | 'in-memory';

/** Where a backend's connection stands. */
export type BackendState = 'connecting' | 'up' | 'down' | 'closed';

/** A backend's state, for the registry and for operators. */
export interface BackendStatus {
  state: BackendState;
  /** Epoch milliseconds of the last state change. */
  since: number;
  /** Why the last connection attempt failed or the connection dropped; null while up. */
  lastError: string | null;
  /** Failed connection attempts since the backend was last up. */
  failedAttempts: number;
  /** Process id of a stdio server while it runs; null otherwise. */
  pid: number | null;
}

/** Who a call is made for: the tenant and principal the ingress verified, from the decision's envelope. */
export interface CallSubject {
  tenant: string;
  principal: Principal;
}

/** Options of one tool call. */
export interface CallToolOptions {
  /** The call fails with SLUICE_ROUTER_BACKEND_TIMEOUT (and is cancelled at the backend) after this long. */
  timeoutMs: number;
  /** Aborting cancels the call at the backend; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Aborts `signal`, lent by a caller whose signal serves this call alone: the backend then ends the call on
   * timeout through it, rather than through a signal of its own that would follow `signal` with a listener.
   */
  abort?: (reason: unknown) => void;
  /** The caller, for a backend that is called on the caller's behalf (token exchange); absent: anonymous. */
  subject?: CallSubject;
}

/** What a backend reports to its listeners. */
export type BackendEvent = 'up' | 'down' | 'tools-changed';

/**
 * One MCP server the router forwards to. Implemented on the MCP SDK client over stdio, Streamable HTTP, and an
 * in-memory transport for tests. A backend that drops is marked down and reconnected with bounded backoff;
 * calls made while it is down fail at once with SLUICE_ROUTER_BACKEND_DOWN.
 */
export interface Backend {
  readonly name: string;
  readonly transport: BackendTransportKind;
  /**
   * Connects once, bounded by the server's timeout. On failure it rejects with SLUICE_ROUTER_BACKEND_DOWN and
   * keeps retrying in the background until connected or closed.
   */
  connect(): Promise<void>;
  /** Every tool the server offers, following pagination. */
  listTools(): Promise<Tool[]>;
  /** Calls a tool by its name at the server; a JSON-RPC error from the server rejects with the SDK's McpError. */
  callTool(name: string, args: Record<string, unknown> | undefined, options: CallToolOptions): Promise<CallToolResult>;
  /** Disconnects for good (a stdio server's process is ended) and stops reconnecting. */
  close(): Promise<void>;
  status(): BackendStatus;
  /** Registers a listener; returns a function that removes it. */
  onEvent(listener: (event: BackendEvent) => void): () => void;
}
