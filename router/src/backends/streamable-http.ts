import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Logger, ServerConfig } from '@sluice/core';
import { HttpToolCaller } from './http-tool-caller.js';
import { McpBackend, type BackoffOptions } from './mcp-backend.js';

/** A Streamable HTTP server's settings from the configuration. */
export type StreamableHttpServerConfig = Extract<ServerConfig, { transport: 'streamable-http' }>;

/**
 * A backend reached over Streamable HTTP at the configured URL, sending the configured headers with every
 * request. The SDK client runs the session; tool calls go through {@link HttpToolCaller} in that session. A
 * request that cannot be delivered marks the backend down and starts a new session; closing the backend ends its
 * session at the server.
 */
export function createStreamableHttpBackend(
  name: string,
  config: StreamableHttpServerConfig,
  logger: Logger,
  backoff?: BackoffOptions,
): McpBackend {
  return new McpBackend({
    name,
    transport: 'streamable-http',
    timeoutMs: config.timeoutMs,
    logger,
    ...(backoff ? { backoff } : {}),
    createTransport: () => new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: { ...config.headers } } }),
    directCalls: {
      caller: new HttpToolCaller({ url: new URL(config.url), headers: config.headers }),
      sessionOf: (transport) =>
        transport instanceof StreamableHTTPClientTransport
          ? { sessionId: transport.sessionId, protocolVersion: transport.protocolVersion }
          : { sessionId: undefined, protocolVersion: undefined },
    },
    terminate: (transport) => (transport instanceof StreamableHTTPClientTransport ? transport.terminateSession() : Promise.resolve()),
  });
}
