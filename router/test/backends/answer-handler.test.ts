import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpCallError } from '../../src/backends/answer-handler.js';
import { HttpToolCaller } from '../../src/backends/http-tool-caller.js';
import { rejection } from '../support/harness.js';

type Answer = (res: ServerResponse, id: unknown) => void;

const closing: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

/** A caller against a raw HTTP server that answers every POST with `answer`. */
async function callerAnswering(answer: Answer): Promise<HttpToolCaller> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(res, (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const caller = new HttpToolCaller({ url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), headers: {} });
  closing.push(async () => {
    await caller.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return caller;
}

const call = (caller: HttpToolCaller, inSession = false): Promise<unknown> =>
  caller.callTool({ sessionId: inSession ? 's-1' : undefined, protocolVersion: undefined }, 'echo', { message: 'x' }, new AbortController().signal);

const json = (res: ServerResponse, status: number, body: string, type = 'application/json'): void => {
  res.writeHead(status, { 'content-type': type }).end(body);
};

describe('reading the answer to a tool call', () => {
  it('reads a JSON body in several chunks, and the answer among others in a batch', async () => {
    const caller = await callerAnswering((res, id) => {
      const body = JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/progress' }, { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'y'.repeat(100_000) }] } }]);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.write(body.slice(0, 10));
      setTimeout(() => res.end(body.slice(10)), 20);
    });
    expect(await call(caller)).toEqual({ content: [{ type: 'text', text: 'y'.repeat(100_000) }] });
  });

  it("passes the server's JSON-RPC error on as an McpError", async () => {
    const caller = await callerAnswering((res, id) => json(res, 200, JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message: 'no' } })));
    expect(await rejection(call(caller))).toBeInstanceOf(McpError);
  });

  it.each<[string, Answer, RegExp, number | null]>([
    ['a status that is not 2xx, with its body', (res) => json(res, 500, 'broken', 'text/plain'), /HTTP 500: broken/, 500],
    ['a status that is not 2xx, without a body', (res) => res.writeHead(503).end(), /HTTP 503: no body/, 503],
    ['a body that is not JSON', (res) => json(res, 200, '{"jsonrpc":'), /not JSON/, 200],
    ['a JSON body without the answer', (res) => json(res, 200, JSON.stringify({ jsonrpc: '2.0', id: 'other', result: {} })), /without a response/, 200],
    ['another content type', (res) => json(res, 200, 'hello', 'text/html'), /content type text\/html/, 200],
    ['an event that is not JSON', (res) => json(res, 200, 'event: message\ndata: {nope\n\n', 'text/event-stream'), /event that is not JSON/, 200],
    ['a stream that ends unanswered', (res) => json(res, 200, 'event: message\ndata: {"jsonrpc":"2.0","method":"x"}\n\n', 'text/event-stream'), /without answering/, 200],
  ])('rejects %s with an HttpCallError', async (_what, answer, message, status) => {
    const caller = await callerAnswering(answer);
    const err = await rejection(call(caller));
    expect(err).toBeInstanceOf(HttpCallError);
    expect((err as HttpCallError).message).toMatch(message);
    expect((err as HttpCallError).status).toBe(status);
  });

  it('says the session is gone on a 404 in a session', async () => {
    const caller = await callerAnswering((res) => json(res, 404, 'unknown session', 'text/plain'));
    expect(((await rejection(call(caller, true))) as HttpCallError).message).toMatch(/HTTP 404: the session is gone/);
  });

  it('stops reading a stream once the answer arrived', async () => {
    let closed = false;
    const caller = await callerAnswering((res, id) => {
      res.on('close', () => (closed = true));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, result: { content: [] } })}\n\n`);
    });
    expect(await call(caller)).toEqual({ content: [] });
    for (let i = 0; i < 100 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(true);
  });

  it('rejects with an HttpCallError without a status when the server cannot be reached', async () => {
    const caller = new HttpToolCaller({ url: new URL('http://127.0.0.1:1/mcp'), headers: {} });
    closing.push(() => caller.close());
    const err = await rejection(call(caller));
    expect(err).toBeInstanceOf(HttpCallError);
    expect((err as HttpCallError).status).toBeNull();
    expect((err as HttpCallError).message).toMatch(/cannot reach the server/);
  });
});
