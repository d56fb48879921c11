import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Logger, ServerConfig } from '@sluice/core';
import { McpBackend, type BackoffOptions } from './mcp-backend.js';

/** A stdio server's settings from the configuration. */
export type StdioServerConfig = Extract<ServerConfig, { transport: 'stdio' }>;

/**
 * A backend that runs the server as a child process and speaks MCP over its stdin/stdout. The child gets
 * exactly the environment resolved with the configuration (the base variables PATH, HOME, ... and `env`), nothing
 * else of the gateway's; its stderr goes to the logger,
 * one line per entry. Closing ends stdin, then signals the process until it exits.
 */
export function createStdioBackend(name: string, config: StdioServerConfig, logger: Logger, backoff?: BackoffOptions): McpBackend {
  const log = logger.child({ server: name, stream: 'stderr' });
  return new McpBackend({
    name,
    transport: 'stdio',
    timeoutMs: config.timeoutMs,
    logger,
    ...(backoff ? { backoff } : {}),
    createTransport: () => {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...config.environment },
        ...(config.cwd === null ? {} : { cwd: config.cwd }),
        stderr: 'pipe',
      });
      if (transport.stderr instanceof Readable) {
        createInterface({ input: transport.stderr, crlfDelay: Infinity }).on('line', (line) => log.info(line));
      }
      return transport;
    },
    pidOf: (transport) => (transport instanceof StdioClientTransport ? transport.pid : null),
  });
}
