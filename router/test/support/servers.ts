import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createLogger, type Logger, type ServerConfig } from '@sluice/core';
import { z } from 'zod';
import { createBackend } from '../../src/backends/create.js';
import { createInMemoryBackend } from '../../src/backends/in-memory.js';
import type { Backend } from '../../src/backends/backend.js';
import type { BackoffOptions } from '../../src/backends/mcp-backend.js';
import type { RouterOptions } from '../../src/router.js';

/** The entry point of the reference "everything" MCP server. */
export const EVERYTHING_ENTRY = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

/** Configuration of server-everything over stdio, as written in the YAML file. */
export function everythingStdio(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transport: 'stdio', command: process.execPath, args: [EVERYTHING_ENTRY, 'stdio'], timeoutMs: 10_000, ...extra };
}

/** Configuration of a server whose backend a test supplies in memory (the command is never run). */
export function inMemoryServer(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transport: 'stdio', command: 'in-memory', timeoutMs: 2_000, ...extra };
}

/** Counts the calls of the `hang` tool that the server saw cancelled (and, if asked, those it began). */
export interface HangingServerProbe {
  cancelled: number;
  started?: number;
}

/** An SDK server with `echo`, `add`, and `hang` (never answers; counts cancellations). */
export function createTestServer(probe: HangingServerProbe = { cancelled: 0 }, toolPrefix = ''): McpServer {
  const server = new McpServer({ name: 'test-server', version: '1.0.0' });
  server.registerTool(
    `${toolPrefix}echo`,
    { description: 'Echoes the message', inputSchema: { message: z.string() }, annotations: { readOnlyHint: true } },
    async ({ message }) => ({ content: [{ type: 'text', text: `echo: ${message}` }] }),
  );
  server.registerTool(`${toolPrefix}add`, { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool(`${toolPrefix}hang`, { description: 'Never answers' }, (extra) => {
    if (probe.started !== undefined) probe.started++;
    extra.signal.addEventListener('abort', () => probe.cancelled++);
    return new Promise(() => undefined);
  });
  server.registerTool(`${toolPrefix}slow`, { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  });
  return server;
}

/** A backend factory: in-memory servers for the names given, the real transports for the others. */
export function withInMemory(
  servers: Record<string, () => McpServer>,
  created: Record<string, Backend> = {},
): NonNullable<RouterOptions['createBackend']> {
  return (name: string, config: ServerConfig, logger: Logger, backoff?: BackoffOptions) => {
    const factory = servers[name];
    const backend = factory
      ? createInMemoryBackend({ name, createServer: factory, timeoutMs: config.timeoutMs, logger, ...(backoff ? { backoff } : {}) })
      : createBackend(name, config, logger, backoff);
    created[name] = backend;
    return backend;
  };
}

/** A silent logger. */
export const silent: Logger = createLogger('silent');
