import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-body.js';
import { parseKnobs } from './knobs.js';
import { rawMcpHandler } from './raw-handler.js';
import { sdkMcpHandler } from './sdk-handler.js';
import type { BackendState } from './stats.js';

/** Which MCP implementation serves /mcp. */
export type BackendImpl = 'raw' | 'sdk';

/**
 * The neutral backend's HTTP server: MCP at /mcp, `GET /healthz`, `GET /bench/stats` (knobs and counts) and
 * `PUT /bench/knobs` (JSON knobs, applied to every later call).
 */
export async function startHttpBackend(state: BackendState, impl: BackendImpl, port: number): Promise<{ server: Server; port: number }> {
  const mcp = impl === 'raw' ? rawMcpHandler(state) : sdkMcpHandler(state);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/mcp') return mcp(req, res);
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/bench/stats') return sendJson(res, 200, state.snapshot());
    if (path === '/bench/knobs' && req.method === 'PUT') {
      readBody(req)
        .then((body) => {
          state.knobs = parseKnobs(JSON.parse(body.toString('utf8')), state.knobs);
          sendJson(res, 200, state.snapshot());
        })
        .catch((err: unknown) => sendJson(res, 400, { error: String(err) }));
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
  // Clients keep connections for the whole run; never let the server close them first.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
