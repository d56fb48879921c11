import type { Logger, ServerConfig } from '@sluice/core';
import type { Backend } from './backend.js';
import type { BackoffOptions } from './mcp-backend.js';
import { createStdioBackend } from './stdio.js';
import { createStreamableHttpBackend } from './streamable-http.js';

/** The backend for one configured server. */
export function createBackend(name: string, config: ServerConfig, logger: Logger, backoff?: BackoffOptions): Backend {
  switch (config.transport) {
    case 'stdio':
      return createStdioBackend(name, config, logger, backoff);
    case 'streamable-http':
      return createStreamableHttpBackend(name, config, logger, backoff);
  }
}
