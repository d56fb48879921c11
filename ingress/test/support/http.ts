import { request } from 'node:http';

/** The headers a well-behaved client sends with a POST. */
export const POST_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** An initialize request as the SDK sends it. */
export function initializeRequest(id: number | string = 1, clientName = 'raw-client'): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: clientName, version: '0.0.1' } },
  };
}

/** POSTs a body (an object is JSON-encoded, a string is sent as is) with the usual headers plus `headers`. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...POST_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** What a request sent with {@link rawRequest} got back. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends one request over node:http with exactly the Host header given (fetch sets Host itself), as a browser does
 * when a page's domain was rebound to the gateway's address.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Initializes a session over raw HTTP and returns its id. */
export async function openSession(url: string, clientName = 'raw-client'): Promise<string> {
  const response = await post(url, initializeRequest(1, clientName));
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  if (response.status !== 200 || !sessionId) throw new Error(`initialize failed with ${response.status}`);
  const initialized = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': sessionId });
  if (initialized.status !== 202) throw new Error(`notifications/initialized got ${initialized.status}`);
  return sessionId;
}

/** Calls the test router's echo tool and returns the parsed JSON-RPC response. */
export async function callEcho(url: string, sessionId: string, id: number, args: Record<string, unknown> = { n: id }): Promise<any> {
  const response = await post(
    url,
    { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: args } },
    { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' },
  );
  if (response.status !== 200) throw new Error(`tools/call got ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Reads an SSE body until `count` message events arrived or it ended, then closes it; returns their data. */
export async function readSseMessages(response: Response, count: number, timeoutMs = 2000): Promise<string[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const messages: string[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (messages.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n');
        if (!lines.includes('event: message')) continue;
        messages.push(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'));
      }
    }
  } finally {
    clearTimeout(timer);
    void reader.cancel();
  }
  return messages;
}

/** Polls `condition` every 5 ms until it holds (throws after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
