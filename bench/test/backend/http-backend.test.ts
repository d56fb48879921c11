import type { Server } from 'node:http';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpBackend, type BackendImpl } from '../../src/backend/http-server.js';
import { DEFAULT_KNOBS } from '../../src/backend/knobs.js';
import { BackendState } from '../../src/backend/stats.js';
import { McpWire } from '../../src/load/mcp-wire.js';

describe.each<BackendImpl>(['raw', 'sdk'])('neutral backend (%s) spoken to by the load generator', (impl) => {
  let server: Server | undefined;
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const start = async (): Promise<{ state: BackendState; url: string; base: string }> => {
    const state = new BackendState({ ...DEFAULT_KNOBS });
    const started = await startHttpBackend(state, impl, 0);
    server = started.server;
    const base = `http://127.0.0.1:${started.port}`;
    pool = new Pool(base, { connections: 4 });
    return { state, url: `${base}/mcp`, base };
  };

  it('opens a session, echoes the message back, and ends the session', async () => {
    const { state, url } = await start();
    const wire = new McpWire(url, pool!, 'echo', 1000, 1000);
    const session = await wire.open();
    expect(session.id).toMatch(/^[\w-]{16,}$/);
    await wire.call(session, 1);
    await wire.call(session, 2);
    await wire.close(session);
    expect(state.snapshot()).toMatchObject({ calls: 2, sessions: 1 });
  });

  it('fails a call whose answer has the wrong length, and one for an unknown tool', async () => {
    const { url } = await start();
    const session = await new McpWire(url, pool!, 'echo', 10, 10).open();
    await expect(new McpWire(url, pool!, 'echo', 10, 11).call(session, 1)).rejects.toThrow(/10 bytes, expected 11/);
    await expect(new McpWire(url, pool!, 'nope', 10, 10).call(session, 2)).rejects.toThrow(/nope|Unknown tool|not found/i);
  });

  it('applies knobs from PUT /bench/knobs to later calls', async () => {
    const { url, base } = await start();
    const res = await fetch(`${base}/bench/knobs`, { method: 'PUT', body: JSON.stringify({ delayMs: 50, responseBytes: 300 }) });
    expect(res.status).toBe(200);
    const wire = new McpWire(url, pool!, 'echo', 10, 300);
    const session = await wire.open();
    const began = performance.now();
    await wire.call(session, 1);
    expect(performance.now() - began).toBeGreaterThanOrEqual(45);
    expect((await fetch(`${base}/bench/knobs`, { method: 'PUT', body: '{"delayMs":-1}' })).status).toBe(400);
  });
});
