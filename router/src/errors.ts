import { SluiceError } from '@sluice/core';

/**
 * Every error code the router raises: whether retrying the same call can succeed, the JSON-RPC code the client
 * gets when the error answers a request, and what it means.
 */
export const ROUTER_ERRORS = {
  SLUICE_ROUTER_BACKEND_DOWN: {
    retriable: true,
    jsonRpcCode: -32010,
    description: 'The backend server is not connected (it failed to start, exited or became unreachable); it is being reconnected.',
  },
  SLUICE_ROUTER_BACKEND_TIMEOUT: {
    retriable: true,
    jsonRpcCode: -32001,
    description: "The backend server did not answer within the server's timeoutMs; the call was cancelled at the backend.",
  },
  SLUICE_ROUTER_BACKEND_LOST: {
    retriable: false,
    jsonRpcCode: -32010,
    description: 'The connection to the backend server closed while the call was in flight: the tool may or may not have run.',
  },
  SLUICE_ROUTER_BACKEND_INVALID_RESULT: {
    retriable: false,
    jsonRpcCode: -32603,
    description: 'The backend server answered with a result that is not a valid MCP result.',
  },
  SLUICE_ROUTER_CALL_CANCELLED: {
    retriable: false,
    jsonRpcCode: -32800,
    description: 'The client cancelled the request (notifications/cancelled) before the backend answered.',
  },
  SLUICE_ROUTER_STOPPING: {
    retriable: true,
    jsonRpcCode: -32010,
    description: 'The router is stopping and gave up waiting for the call; the decision is redelivered to another router.',
  },
  SLUICE_ROUTER_BACKEND_UNAUTHORIZED: {
    retriable: false,
    jsonRpcCode: -32011,
    description:
      "The backend server refused the gateway's credentials (HTTP 401), after one fresh OAuth token when the server has oauth; the call did not run. The server's challenge is logged, never relayed.",
  },
  SLUICE_ROUTER_BACKEND_TOKEN_FAILED: {
    retriable: true,
    jsonRpcCode: -32011,
    description: "The gateway could not get an access token for the backend from the server's OAuth token endpoint; the call did not run.",
  },
  SLUICE_ROUTER_BACKEND_NO_SUBJECT: {
    retriable: false,
    jsonRpcCode: -32011,
    description:
      "The server calls its backend on behalf of the user (tokenExchange) and the request has no verified user (an anonymous caller); the call did not run. Set tokenExchange.anonymous to `gateway` to call with the gateway's own identity instead.",
  },
  SLUICE_ROUTER_TOKEN_EXCHANGE_REFUSED: {
    retriable: false,
    jsonRpcCode: -32011,
    description:
      "The authorization server refused to exchange the gateway's assertion of the user for a token for the backend (an OAuth error such as invalid_grant: the user may not use that server, or the server does not trust the gateway's key); the call did not run.",
  },
  SLUICE_ROUTER_ARGUMENTS_INVALID: {
    retriable: false,
    jsonRpcCode: -32602,
    description:
      "The call's arguments do not match the tool's inputSchema (wrong type, missing required or unexpected property, ...); the message gives the first violations with their JSON Pointer. The call was not sent to the backend.",
  },
  SLUICE_ROUTER_ARGUMENTS_TOO_LARGE: {
    retriable: false,
    jsonRpcCode: -32602,
    description:
      "The call's arguments are longer (maxBytes) or nest deeper (maxDepth) than servers.<name>.arguments allows; the message names the limit. The call was not sent to the backend.",
  },
  SLUICE_ROUTER_BACKEND_CLOSED: {
    retriable: false,
    jsonRpcCode: -32010,
    description: 'The backend was closed by the router and will not reconnect.',
  },
} as const satisfies Record<string, { retriable: boolean; jsonRpcCode: number; description: string }>;

/** One of {@link ROUTER_ERRORS}. */
export type RouterErrorCode = keyof typeof ROUTER_ERRORS;

/** An error raised inside the router; branch on `code`. */
export class RouterError extends SluiceError {
  declare readonly code: RouterErrorCode;

  constructor(code: RouterErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retriable: ROUTER_ERRORS[code].retriable, cause: options.cause });
    this.name = 'RouterError';
  }
}

/** True when `err` is a {@link RouterError} with one of `codes`. */
export function isRouterError(err: unknown, ...codes: RouterErrorCode[]): err is RouterError {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && code in ROUTER_ERRORS && (codes.length === 0 || codes.includes(code as RouterErrorCode));
}

/** The `error` member of a JSON-RPC response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** An error that goes on the wire to the client as a JSON-RPC error response. */
export class JsonRpcWireError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'JsonRpcWireError';
    this.code = code;
    this.data = data;
  }

  /** The wire error for a router error: its JSON-RPC code and message. */
  static fromRouterError(err: RouterError): JsonRpcWireError {
    return new JsonRpcWireError(ROUTER_ERRORS[err.code].jsonRpcCode, err.message);
  }

  /** The `error` member of the response. */
  toJSON(): JsonRpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}
