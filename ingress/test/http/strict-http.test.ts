import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { callEcho, openSession } from '../support/http.js';
import { rawExchange, statusOf } from '../support/raw-http.js';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'smuggler', version: '1' } },
});

function head(lines: string[], method = 'POST'): string {
  return [`${method} /mcp HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Accept: application/json', ...lines, '', ''].join('\r\n');
}

function deleteOf(session: string): string {
  return head([`Mcp-Session-Id: ${session}`, 'Content-Length: 0'], 'DELETE');
}

const closedFor = (session: string) => (event: SluiceEvent): event is EventOf<'session.closed'> =>
  event.type === 'session.closed' && event.sessionId === session;

describe('strict HTTP at the ingress (raw sockets against uWebSockets.js)', () => {
  let h: Harness;
  let victim: string;
  beforeAll(async () => {
    h = await startHarness();
    victim = await openSession(h.url, 'victim');
  });
  afterAll(async () => {
    await h.stop();
  });

  /** The victim's session still answers, nothing closed it, and a new client can work. */
  async function gatewayUnharmed(): Promise<void> {
    expect((await callEcho(h.url, victim, 99)).result.echoed.arguments).toEqual({ n: 99 });
    expect(h.recorded.some(closedFor(victim))).toBe(false);
    const fresh = await openSession(h.url, 'after-attack');
    expect((await callEcho(h.url, fresh, 1)).result.echoed.arguments).toEqual({ n: 1 });
  }

  it('refuses differing Content-Length headers with 400, closes, and never runs the smuggled DELETE (separate packet)', async () => {
    const smuggler = head(['Content-Length: 5', `Content-Length: ${INIT.length}`]) + INIT.slice(0, 5);
    const result = await rawExchange(h.ingress.port, [smuggler, deleteOf(victim)]);
    expect(statusOf(result.text)).toBe(400);
    expect(result.text).toContain('Content-Length headers differ');
    expect(result.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(result.closed).toBe(true);
    await gatewayUnharmed();
  });

  it('never runs a smuggled DELETE sent in the same packet: the connection is closed, no second answer', async () => {
    const smuggler = head(['Content-Length: 5', `Content-Length: ${INIT.length}`]) + INIT.slice(0, 5) + deleteOf(victim);
    const result = await rawExchange(h.ingress.port, [smuggler]);
    expect(result.closed).toBe(true);
    // uWS closes the connection itself when a pipelined head arrives while the refusal is pending.
    expect([null, 400]).toContain(statusOf(result.text));
    expect(result.text).not.toContain('200 OK');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await gatewayUnharmed();
  });

  it('closes on Content-Length with Transfer-Encoding, and the chunked body is not read as a request', async () => {
    const smuggler = head(['Content-Length: 4', 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + deleteOf(victim);
    const result = await rawExchange(h.ingress.port, [smuggler]);
    expect(result.closed).toBe(true);
    expect([null, 400]).toContain(statusOf(result.text));
    expect(result.text).not.toContain('200 OK');
    await gatewayUnharmed();
  });

  it.each([
    ['a Transfer-Encoding other than chunked', ['Transfer-Encoding: gzip, chunked'], 'Transfer-Encoding must be exactly chunked'],
    ['two Host headers', ['Host: evil.example', 'Content-Length: 0'], 'more than one Host'],
    ['a control character in a header value', ['X-Note: a\x7fb', 'Content-Length: 0'], 'control character'],
  ])('answers a malformed head (%s) with 400 and closes the connection', async (_name, lines, reason) => {
    const result = await rawExchange(h.ingress.port, [head(lines), deleteOf(victim)]);
    expect(statusOf(result.text)).toBe(400);
    expect(result.text).toContain(reason);
    expect(result.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(result.closed).toBe(true);
    await gatewayUnharmed();
  });

  it('answers a head with too many header fields with 431 and closes the connection', async () => {
    const many = Array.from({ length: 42 }, (_, i) => `X-Filler-${i}: v`);
    const result = await rawExchange(h.ingress.port, [head([...many, 'Content-Length: 0'], 'GET'), deleteOf(victim)]);
    expect(statusOf(result.text)).toBe(431);
    expect(result.text).toContain('more than 40 header fields');
    expect(result.closed).toBe(true);
    await gatewayUnharmed();
  });

  it('answers a head larger than maxHeaderBytes with 431 and closes the connection', async () => {
    const result = await rawExchange(h.ingress.port, [head([`X-Big: ${'a'.repeat(9000)}`], 'GET'), deleteOf(victim)]);
    expect(statusOf(result.text)).toBe(431);
    expect(result.text).toContain('exceeds 8192 bytes');
    expect(result.closed).toBe(true);
    await gatewayUnharmed();
  });

  it('runs nothing from a head uWS cannot parse at all', async () => {
    const result = await rawExchange(h.ingress.port, ['GARBAGE /mcp\r\nno colon here\r\n\r\n' + deleteOf(victim)], 300);
    expect(result.text).not.toContain('200 OK');
    await gatewayUnharmed();
  });

  it('reads the first of repeated fields: a second Mcp-Session-Id cannot name the session a DELETE ends', async () => {
    const twice = head(['Mcp-Session-Id: not-a-session', `Mcp-Session-Id: ${victim}`, 'Content-Length: 0'], 'DELETE');
    const result = await rawExchange(h.ingress.port, [twice]);
    expect(statusOf(result.text)).toBe(404);
    expect(result.text).toContain('Session not found');
    await gatewayUnharmed();
  });
});
