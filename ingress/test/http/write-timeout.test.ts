import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { callEcho, openSession, post } from '../support/http.js';
import { nonReadingClient } from '../support/raw-http.js';

const WRITE_TIMEOUT_MS = 600;

function getStream(h: Harness, session: string): Promise<Response> {
  return fetch(h.url, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session } });
}

describe('a client that does not read its answers', () => {
  let h: Harness;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    h = await startHarness({
      maxBodyBytes: 16 * 1024 * 1024,
      requestTimeoutMs: 5000,
      config: { writeTimeoutMs: WRITE_TIMEOUT_MS },
      // A queue large enough that only the write timeout can drop the stream.
      ingress: { maxStreamQueueBytes: 256 * 1024 * 1024 },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await h.stop();
  });

  it('has its SSE stream dropped after writeTimeoutMs under backpressure, while the gateway stays up', async () => {
    const session = await openSession(h.url, 'sleeper');
    const head = `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${session}\r\n\r\n`;
    sockets.push(await nonReadingClient(h.ingress.port, head));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = 'n'.repeat(6 * 1024 * 1024);
    for (let id = 1; id <= 2; id++) {
      const response = await post(
        h.url,
        { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'notify', arguments: { related: false, text } } },
        { 'Mcp-Session-Id': session },
      );
      expect(response.status).toBe(200);
      await response.text();
    }
    const whileStuck = await getStream(h, session);
    expect(whileStuck.status).toBe(409);
    await whileStuck.body?.cancel();

    await new Promise((resolve) => setTimeout(resolve, WRITE_TIMEOUT_MS * 3));
    const afterDrop = await getStream(h, session);
    expect(afterDrop.status).toBe(200);
    await afterDrop.body?.cancel();
    expect((await callEcho(h.url, session, 7)).result.echoed.arguments).toEqual({ n: 7 });
  });

  it('has a large response dropped after writeTimeoutMs: it gets the connection closed before the whole body', async () => {
    const session = await openSession(h.url, 'sleeper-2');
    const size = 48 * 1024 * 1024;
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'big', arguments: { size } } });
    const head =
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
      `Mcp-Session-Id: ${session}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const socket = await nonReadingClient(h.ingress.port, head);
    sockets.push(socket);
    await new Promise((resolve) => setTimeout(resolve, WRITE_TIMEOUT_MS * 4));

    let received = 0;
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
    expect(socket.destroyed || socket.readableEnded).toBe(true);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(size);
    expect((await callEcho(h.url, session, 8)).result.echoed.arguments).toEqual({ n: 8 });
  });
});
