import { SluiceError } from '@sluice/core';

/** HTTP status and JSON-RPC code an error is answered with when it goes on the wire. */
export interface WireMapping {
  status: number;
  jsonRpcCode: number;
}

/**
 * Every error code the ingress raises: whether retrying can succeed, what it means, and (for errors a client
 * sees) the HTTP status and JSON-RPC code it is answered with.
 */
export const INGRESS_ERRORS = {
  SLUICE_INGRESS_UWS_UNAVAILABLE: {
    retriable: false,
    wire: null,
    description: 'Neither uWebSockets.js binding loads on this Node.js and glibc; the message names what each needs.',
  },
  SLUICE_INGRESS_LISTEN_FAILED: {
    retriable: true,
    wire: null,
    description: 'The HTTP listener could not bind its host and port (in use, or not permitted).',
  },
  SLUICE_INGRESS_PARSE_ERROR: {
    retriable: false,
    wire: { status: 400, jsonRpcCode: -32700 },
    description: 'The request body is not valid UTF-8 JSON.',
  },
  SLUICE_INGRESS_INVALID_REQUEST: {
    retriable: false,
    wire: { status: 400, jsonRpcCode: -32600 },
    description:
      'The body is not one valid JSON-RPC 2.0 request, notification or response: batches, nesting deeper than 64, a key repeated in any object, and integer ids beyond ±(2^53 - 1) are refused.',
  },
  SLUICE_INGRESS_BODY_TOO_LARGE: {
    retriable: false,
    wire: { status: 413, jsonRpcCode: -32600 },
    description: 'The body exceeds ingress.maxBodyBytes; reading stopped at the limit and the connection is closed.',
  },
  SLUICE_INGRESS_METHOD_NOT_FOUND: {
    retriable: false,
    wire: { status: 200, jsonRpcCode: -32601 },
    description:
      'The JSON-RPC method is not an MCP method a client may send; nothing was recorded. A request gets HTTP 200 with its id, a notification (which has no id to answer) HTTP 400.',
  },
  SLUICE_INGRESS_INVALID_PARAMS: {
    retriable: false,
    wire: { status: 200, jsonRpcCode: -32602 },
    description:
      'The params of a method the ingress reads itself (initialize) are invalid or over a bound: clientInfo.name, .title and .version at most 256 characters, protocolVersion 64, capabilities 16,384 characters of JSON.',
  },
  SLUICE_INGRESS_UNSUPPORTED_MEDIA_TYPE: {
    retriable: false,
    wire: { status: 415, jsonRpcCode: -32000 },
    description: 'A POST whose Content-Type is not application/json.',
  },
  SLUICE_INGRESS_NOT_ACCEPTABLE: {
    retriable: false,
    wire: { status: 406, jsonRpcCode: -32000 },
    description: 'The Accept header allows neither application/json nor text/event-stream (GET needs text/event-stream).',
  },
  SLUICE_INGRESS_ORIGIN_FORBIDDEN: {
    retriable: false,
    wire: { status: 403, jsonRpcCode: -32000 },
    description: 'The Origin header is neither a loopback origin nor listed in ingress.allowedOrigins.',
  },
  SLUICE_INGRESS_HOST_FORBIDDEN: {
    retriable: false,
    wire: { status: 403, jsonRpcCode: -32000 },
    description:
      'The Host header is not a loopback name (localhost, 127.0.0.1, [::1]) nor listed in ingress.allowedHosts: DNS rebinding. Checked on every path, before anything else.',
  },
  SLUICE_INGRESS_SESSION_REQUIRED: {
    retriable: false,
    wire: { status: 400, jsonRpcCode: -32000 },
    description: 'A request other than initialize came without an Mcp-Session-Id header.',
  },
  SLUICE_INGRESS_SESSION_NOT_FOUND: {
    retriable: false,
    wire: { status: 404, jsonRpcCode: -32001 },
    description:
      'The Mcp-Session-Id is not a session of this node (unknown, or terminated), or it belongs to another principal (answered the same, so nothing is disclosed); the client re-initializes.',
  },
  SLUICE_INGRESS_PROTOCOL_VERSION_UNSUPPORTED: {
    retriable: false,
    wire: { status: 400, jsonRpcCode: -32000 },
    description: 'The MCP-Protocol-Version header names a revision this transport does not serve.',
  },
  SLUICE_INGRESS_STREAM_CONFLICT: {
    retriable: false,
    wire: { status: 409, jsonRpcCode: -32000 },
    description: 'The session already has an open GET stream.',
  },
  SLUICE_INGRESS_PATH_NOT_FOUND: {
    retriable: false,
    wire: { status: 404, jsonRpcCode: -32000 },
    description: 'The path is not the MCP endpoint.',
  },
  SLUICE_INGRESS_HTTP_METHOD_NOT_ALLOWED: {
    retriable: false,
    wire: { status: 405, jsonRpcCode: -32000 },
    description: 'The HTTP method is not GET, POST or DELETE; the Allow header lists those.',
  },
  SLUICE_INGRESS_BAD_HTTP_REQUEST: {
    retriable: false,
    wire: { status: 400, jsonRpcCode: -32000 },
    description:
      'The request head is not strict HTTP/1.1: Content-Length headers that differ or are not a number, Content-Length with Transfer-Encoding, a Transfer-Encoding other than chunked, more than one Host, or a control character in a header value. The connection is closed and nothing after the head is read.',
  },
  SLUICE_INGRESS_HEADERS_TOO_LARGE: {
    retriable: false,
    wire: { status: 431, jsonRpcCode: -32000 },
    description: 'The request carries more than ingress.maxHeaders header fields or more than ingress.maxHeaderBytes of head; the connection is closed.',
  },
  SLUICE_INGRESS_TOO_MANY_SESSIONS: {
    retriable: true,
    wire: { status: 503, jsonRpcCode: -32000 },
    description: 'initialize refused: this node holds ingress.sessions.max sessions. Retry later or on another node.',
  },
  SLUICE_INGRESS_SESSION_RATE_LIMITED: {
    retriable: true,
    wire: { status: 429, jsonRpcCode: -32000 },
    description:
      'initialize refused: the client (its verified principal when ingress.auth is configured, else its address) opened more than ingress.sessions.createPerMinute sessions in the last minute. Retry after the seconds in the Retry-After header.',
  },
  SLUICE_INGRESS_TOO_MANY_SESSIONS_FOR_ADDRESS: {
    retriable: true,
    wire: { status: 429, jsonRpcCode: -32000 },
    description:
      'initialize refused: the client (its verified principal when ingress.auth is configured, else its address) holds ingress.sessions.maxPerAddress sessions on this node. Close one (DELETE) or let one expire, then retry.',
  },
  SLUICE_INGRESS_REQUEST_TIMEOUT: {
    retriable: true,
    wire: { status: 200, jsonRpcCode: -32001 },
    description: 'No reply reached this node within ingress.requestTimeoutMs; the request may still have run.',
  },
  SLUICE_INGRESS_PUBLISH_FAILED: {
    retriable: true,
    wire: { status: 503, jsonRpcCode: -32603 },
    description: 'The message could not be stored on the bus, so it was not accepted.',
  },
  SLUICE_INGRESS_SHUTTING_DOWN: {
    retriable: true,
    wire: { status: 503, jsonRpcCode: -32603 },
    description: 'The node is stopping: new messages are refused and unanswered requests fail after the drain.',
  },
  SLUICE_INGRESS_AUTH_CONFIG: {
    retriable: false,
    wire: null,
    description: 'ingress.auth.oauth.jwksFile cannot be read or is not JSON; the ingress does not start.',
  },
  SLUICE_INGRESS_UNAUTHENTICATED: {
    retriable: false,
    wire: { status: 401, jsonRpcCode: -32000 },
    description:
      'ingress.auth is configured and the request carries no credentials (no Authorization: Bearer, no X-API-Key). The WWW-Authenticate header names the protected resource metadata; get a token from the authorization server it lists.',
  },
  SLUICE_INGRESS_INVALID_TOKEN: {
    retriable: false,
    wire: { status: 401, jsonRpcCode: -32000 },
    description:
      'The bearer token was refused: not a JWT (without introspection), malformed, signed with an algorithm not in ingress.auth.oauth.algorithms, a signature no key of the issuer verifies, or a wrong iss, aud (another resource), exp or nbf; or, for an opaque token, the issuer introspection answered it is not active (unknown, revoked, expired) or named another iss or aud. WWW-Authenticate carries error="invalid_token" and the reason; get a new token for this resource.',
  },
  SLUICE_INGRESS_INVALID_API_KEY: {
    retriable: false,
    wire: { status: 401, jsonRpcCode: -32000 },
    description: 'The API key (Authorization: Bearer or X-API-Key) is not one of ingress.auth.apiKeys.',
  },
  SLUICE_INGRESS_INSUFFICIENT_SCOPE: {
    retriable: false,
    wire: { status: 403, jsonRpcCode: -32000 },
    description:
      'The token is valid but lacks a scope of ingress.auth.oauth.requiredScopes; WWW-Authenticate carries error="insufficient_scope" and the scopes to ask for.',
  },
  SLUICE_INGRESS_AUTH_UNAVAILABLE: {
    retriable: true,
    wire: { status: 503, jsonRpcCode: -32000 },
    description:
      "The issuer's JWKS (ingress.auth.oauth.jwksUri) could not be fetched, or its introspection endpoint did not answer (down, timed out, not HTTP 200 with a JSON object, or refused the gateway's own client credentials), so the token could not be checked; retry.",
  },
  SLUICE_INGRESS_INTERNAL: {
    retriable: true,
    wire: { status: 500, jsonRpcCode: -32603 },
    description: 'An unexpected failure inside the ingress while handling the request.',
  },
} as const satisfies Record<string, { retriable: boolean; wire: WireMapping | null; description: string }>;

/** One of {@link INGRESS_ERRORS}. */
export type IngressErrorCode = keyof typeof INGRESS_ERRORS;

/** The codes a client can receive. */
export type WireErrorCode = {
  [C in IngressErrorCode]: (typeof INGRESS_ERRORS)[C]['wire'] extends null ? never : C;
}[IngressErrorCode];

/** An error raised inside the ingress; branch on `code`. */
export class IngressError extends SluiceError {
  declare readonly code: IngressErrorCode;
  constructor(code: IngressErrorCode, message: string, cause?: unknown) {
    super(code, message, { retriable: INGRESS_ERRORS[code].retriable, cause });
    this.name = 'IngressError';
  }
}

/** An error answered to the client: an HTTP status plus a JSON-RPC error object with `message`. */
export class WireError extends IngressError {
  declare readonly code: WireErrorCode;
  readonly status: number;
  readonly jsonRpcCode: number;
  constructor(code: WireErrorCode, message: string, cause?: unknown) {
    super(code, message, cause);
    this.name = 'WireError';
    const wire: WireMapping = INGRESS_ERRORS[code].wire;
    this.status = wire.status;
    this.jsonRpcCode = wire.jsonRpcCode;
  }
}
