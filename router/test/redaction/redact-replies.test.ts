import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { encodedRecord, type RunningService } from '@sluice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';
import { inMemoryServer, withInMemory } from '../support/servers.js';

// Fake credentials of real shapes; none of them is real.
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtZmFrZS10b2tlbg';
const SESSION = 'vault-session-5a4b';
const SECRETS = [AWS_ID, AWS_SECRET, BEARER, SESSION];

/** A server whose results and errors carry the secrets a misbehaving tool might leak. */
function leakyServer(): McpServer {
  const server = new McpServer({ name: 'leaky', version: '1.0.0' });
  server.registerTool('config', { description: 'Prints its credentials file' }, async () => ({
    content: [{ type: 'text', text: `[default]\naws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n` }],
  }));
  server.registerTool('login', { inputSchema: { user: z.string() } }, async ({ user }) => ({
    content: [{ type: 'text', text: `welcome ${user}` }],
    structuredContent: { session: SESSION, user },
  }));
  server.registerTool('fail', { description: 'Fails, quoting its credential' }, async () => {
    throw new McpError(-32000, `upstream refused Authorization: Bearer ${BEARER}`);
  });
  return server;
}

const routers: RunningService[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.stop()));
});

async function start(redaction: Record<string, unknown> = {}): Promise<Harness> {
  const harness = await Harness.create();
  const context = harness.context({ vault: inMemoryServer() }, { tools: { vault__login: ['$.structuredContent.session'] }, ...redaction });
  routers.push(await startRouter(context, { createBackend: withInMemory({ vault: leakyServer }) }));
  return harness;
}

/** Every record the router appended to the bus, as the encoded bytes a broker would keep. */
const storedBytes = (harness: Harness): string => harness.bus.produced.map((r) => encodedRecord(r).value.toString('latin1')).join('\n');

describe('the router redacts replies before publishing them', () => {
  it('leaves no secret of a result or an error in any record, and the client gets the markers', async () => {
    const harness = await start();
    const config = await harness.call(toolCall(1, 'vault__config'));
    const login = await harness.call(toolCall(2, 'vault__login', { user: 'bob' }));
    const failed = await harness.call(toolCall(3, 'vault__fail'));

    const text = (config.response.result as { content: { text: string }[] }).content[0]!.text;
    expect(text).toMatch(/aws_access_key_id = \[redacted:aws-access-key-id:[0-9a-f]{16}\]\naws_secret_access_key = \[redacted:aws-secret-access-key:[0-9a-f]{16}\]/);
    expect(config.event.body.redaction).toEqual({ revision: expect.stringMatching(/^[0-9a-f]{16}$/), count: 2 });
    expect((login.response.result as { structuredContent: unknown }).structuredContent).toEqual({ session: expect.stringMatching(/^\[redacted:path:/), user: 'bob' });
    expect(JSON.stringify(failed.response)).toMatch(/Bearer \[redacted:(jwt|bearer):[0-9a-f]{16}\]/);
    expect(failed.event.body.redaction?.count).toBe(1);

    const stored = storedBytes(harness);
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
  });

  it('publishes a reply without secrets exactly as before: the response bytes unchanged and no redaction recorded', async () => {
    const harness = await start();
    const { event } = await harness.call(toolCall(4, 'vault__login', { user: 'carol' }), {});
    expect(event.body.redaction?.count).toBe(1);
    const plain = await harness.call({ jsonrpc: '2.0', id: 5, method: 'ping' });
    expect(plain.event.body.redaction).toBeNull();
    expect(Buffer.from(plain.event.message!).toString('utf8')).toBe('{"jsonrpc":"2.0","id":5,"result":{}}');
  });

  it('stores secrets as sent when redaction is off', async () => {
    const harness = await start({ enabled: false });
    await harness.call(toolCall(6, 'vault__config'));
    expect(storedBytes(harness)).toContain(AWS_SECRET);
  });
});
