import { expect } from 'vitest';
import { connectClient, firstText } from './mcp.js';

const ACCEPT = 'application/json, text/event-stream';

/** Sends a raw POST to /mcp and returns the status and parsed JSON body (null if none). */
export async function rawPost(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** A normal call through a fresh client still works. */
export async function stillServes(port: number): Promise<void> {
  const client = await connectClient(port, 'after-bad-input');
  try {
    const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'still here' } });
    expect(firstText(result)).toBe('Echo: still here');
  } finally {
    await client.close();
  }
}

/** Each bad input gets its exact status and JSON-RPC code, and the gateway keeps serving after each. */
export async function badInputScenario(port: number, maxBodyBytes: number): Promise<void> {
  const malformed = await rawPost(port, '{"jsonrpc":"2.0","id":1,"method":');
  expect(malformed.status).toBe(400);
  expect(malformed.json.error.code).toBe(-32700);
  await stillServes(port);

  const batch = await rawPost(port, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]));
  expect(batch.status).toBe(400);
  expect(batch.json.error.code).toBe(-32600);

  const wrongVersion = await rawPost(port, JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'initialize', params: {} }));
  expect(wrongVersion.status).toBe(400);
  expect(wrongVersion.json.error.code).toBe(-32600);
  await stillServes(port);

  const huge = await rawPost(
    port,
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(maxBodyBytes + 10) } }),
  );
  expect(huge.status).toBe(413);
  await stillServes(port);
}
