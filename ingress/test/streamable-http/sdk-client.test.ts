import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { post } from '../support/http.js';

describe('the MCP SDK client over Streamable HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('initializes, calls a tool through the bus, and terminates its session', async () => {
    const client = new Client({ name: 'sdk-test-client', version: '1.2.3' });
    const transport = new StreamableHTTPClientTransport(new URL(h.url));
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    expect(sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(client.getServerVersion()?.name).toBe('test-router');

    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    expect(result.content).toEqual([{ type: 'text', text: '{"text":"hello"}' }]);

    const opened = await h.waitFor((e): e is EventOf<'session.opened'> => e.type === 'session.opened' && e.sessionId === sessionId);
    expect(opened.body).toMatchObject({ protocolVersion: '2025-11-25', transport: 'streamable-http', clientName: 'sdk-test-client', clientVersion: '1.2.3' });
    const call = await h.waitFor((e): e is EventOf<'client.message'> => e.type === 'client.message' && e.body.method === 'tools/call');
    expect(call.sessionId).toBe(sessionId);
    expect(call.principal.agent).toBe('sdk-test-client');
    expect(call.ingressNode).toBe(h.ingress.nodeId);
    expect(call.replyPartition).toBe(h.ingress.replySlot);
    expect(call.tenant).toBe('default');
    expect(call.body).toMatchObject({ kind: 'request', jsonrpcId: expect.any(String) });

    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    await client.close();
    const closed = await h.waitFor((e): e is EventOf<'session.closed'> => e.type === 'session.closed' && e.sessionId === sessionId);
    expect(closed.body.reason).toBe('client-terminated');

    const afterDelete = await post(h.url, { jsonrpc: '2.0', id: 9, method: 'ping' }, { 'Mcp-Session-Id': sessionId });
    expect(afterDelete.status).toBe(404);
  });

  it('lists tools and pings through the same session, each message recorded once', async () => {
    const client = new Client({ name: 'second-client', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(new URL(h.url));
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo']);
    await client.ping();
    const sessionId = transport.sessionId;
    const ofSession = (e: SluiceEvent): boolean => e.type === 'client.message' && e.sessionId === sessionId;
    await h.waitFor((e): e is EventOf<'client.message'> => ofSession(e) && e.type === 'client.message' && e.body.method === 'ping');
    const methods = h.recorded.filter(ofSession).map((e) => (e as EventOf<'client.message'>).body.method);
    expect(methods).toEqual(['initialize', 'notifications/initialized', 'tools/list', 'ping']);
    await transport.terminateSession();
    await client.close();
  });
});
