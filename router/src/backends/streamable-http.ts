import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Logger, ServerConfig } from '@sluice/core';
import { BackendAuth } from './backend-auth.js';
import { HttpToolCaller } from './http-tool-caller.js';
import { McpBackend, type BackoffOptions } from './mcp-backend.js';
import { ClientCredentialsTokenSource } from './oauth-token-source.js';
import { TokenExchangeSource } from './token-exchange.js';

/** A Streamable HTTP server's settings from the configuration. */
export type StreamableHttpServerConfig = Extract<ServerConfig, { transport: 'streamable-http' }>;

/**
 * A backend reached over Streamable HTTP at the configured URL, sending the configured headers (and, with
 * `oauth`, the gateway's own bearer token) with every request, and nothing the agent sent. With `tokenExchange`
 * the session runs with the same client's client-credentials token and each tool call with a token exchanged
 * for its caller. The SDK client runs the session; tool calls go through {@link HttpToolCaller} in that session. A
 * request that cannot be delivered marks the backend down and starts a new session; closing the backend ends its
 * session at the server.
 */
export function createStreamableHttpBackend(
  name: string,
  config: StreamableHttpServerConfig,
  logger: Logger,
  backoff?: BackoffOptions,
): McpBackend {
  const client = config.oauth ?? config.tokenExchange;
  const source = client ? new ClientCredentialsTokenSource(client, { timeoutMs: config.timeoutMs }) : null;
  const exchange = config.tokenExchange
    ? { source: new TokenExchangeSource(config.tokenExchange, { timeoutMs: config.timeoutMs }), anonymous: config.tokenExchange.anonymous }
    : null;
  const auth = new BackendAuth(name, source, logger, exchange);
  return new McpBackend({
    name,
    transport: 'streamable-http',
    timeoutMs: config.timeoutMs,
    logger,
    ...(backoff ? { backoff } : {}),
    createTransport: () =>
      new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: { ...config.headers } }, fetch: auth.fetch }),
    directCalls: {
      caller: new HttpToolCaller({ url: new URL(config.url), headers: config.headers, auth }),
      sessionOf: (transport) =>
        transport instanceof StreamableHTTPClientTransport
          ? { sessionId: transport.sessionId, protocolVersion: transport.protocolVersion }
          : { sessionId: undefined, protocolVersion: undefined },
    },
    terminate: (transport) => (transport instanceof StreamableHTTPClientTransport ? transport.terminateSession() : Promise.resolve()),
  });
}
