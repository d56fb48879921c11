import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Logger, ServerConfig } from '@sluice/core';
import { McpBackend, type BackoffOptions } from './mcp-backend.js';

/** A Streamable HTTP server's settings from the configuration. */
export type StreamableHttpServerConfig = Extract<ServerConfig, { transport: 'streamable-http' }>;

/**
 * A backend reached over Streamable HTTP at the configured URL, sending the configured headers with every
 * request. A request the transport cannot deliver marks the backend down and starts a new session; closing
 * the backend ends its session at the server.
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
    terminate: (transport) => (transport instanceof StreamableHTTPClientTransport ? transport.terminateSession() : Promise.resolve()),
  });
}
