import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '@sluice/core';
import { McpBackend, type BackoffOptions } from './mcp-backend.js';

/** How to build an in-memory backend. */
export interface InMemoryBackendOptions {
  name: string;
  /** Builds the server for each connection; an SDK server serves one transport only. */
  createServer: () => McpServer;
  timeoutMs: number;
  logger: Logger;
  backoff?: BackoffOptions;
  /** Called with each server once it is connected, so a test can act on it (send notifications, close it). */
  onServer?: (server: McpServer) => void;
}

/** A backend whose server runs in this process, linked by the SDK's in-memory transport pair. For tests. */
export function createInMemoryBackend(options: InMemoryBackendOptions): McpBackend {
  return new McpBackend({
    name: options.name,
    transport: 'in-memory',
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    createTransport: () => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = options.createServer();
      const start = clientSide.start.bind(clientSide);
      // The server side is connected when the client starts, so every attempt gets a fresh server.
      clientSide.start = async () => {
        await server.connect(serverSide);
        options.onServer?.(server);
        await start();
      };
      return clientSide;
    },
  });
}
