/**
 * The bare forwarder: the least any Node.js gateway process does per call, as a floor to read Sluice's cost
 * against. Each POST body goes unparsed to the backend over an undici keep-alive pool and the answer comes back
 * unparsed, with the session and protocol headers passed both ways; no JSON-RPC, no events, no policy, no audit.
 *
 *   node bench/dist/floor/main.js --port N --upstream http://127.0.0.1:P/mcp
 *
 * `GET /healthz` answers 200 once it listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const PASSED_UP = ['content-type', 'accept', 'mcp-session-id', 'mcp-protocol-version'] as const;
const PASSED_DOWN = ['content-type', 'mcp-session-id'] as const;

const { values } = parseArgs({ options: { port: { type: 'string' }, upstream: { type: 'string' } } });
const upstream = new URL(values.upstream ?? '');
const pool = new Pool(upstream.origin, { connections: 256 });

function forward(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers: Record<string, string> = {};
    for (const name of PASSED_UP) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method = req.method ?? 'POST';
    const body = method === 'POST' ? Buffer.concat(chunks) : null;
    pool
      .request({ method: method as 'POST', path: upstream.pathname, headers, body })
      .then(async (answer) => {
        const bytes = Buffer.from(await answer.body.arrayBuffer());
        const out: Record<string, string | number> = { 'content-length': bytes.length };
        for (const name of PASSED_DOWN) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        res.writeHead(answer.statusCode, out).end(bytes);
      })
      .catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
}

const server = createServer((req, res) => {
  if (req.url === '/healthz') res.writeHead(200).end('ok');
  else forward(req, res);
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;
server.listen(Number(values.port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
});
