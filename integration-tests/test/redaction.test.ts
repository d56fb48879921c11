import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, GatewayProcess, eventually, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { connectClient, firstText } from '../src/mcp.js';

// Fake credentials of real shapes; none of them is real.
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtZmFrZS10b2tlbg';
const SECRETS = [AWS_ID, AWS_SECRET, BEARER];

/**
 * Secrets sent in tool arguments, and secrets a backend returns (server-everything's get-env prints the server's
 * environment, which holds them), end up in no audit row and no log line of a gateway with default redaction.
 */
describe('secrets in tool arguments and results are never stored', () => {
  const tmp = scratch('redaction');
  let gateway: GatewayProcess;
  let mcpPort: number;

  beforeAll(async () => {
    mcpPort = await freePort();
    const adminPort = await freePort();
    const config = writeConfig(
      tmp.dir,
      'sluice.yaml',
      `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
audit: { kind: chdb, path: audit, batchMaxMs: 200 }
log: { level: debug }
servers:
  everything:
    transport: stdio
    command: ${process.execPath}
    args: [${EVERYTHING}, stdio]
    env: { AWS_ACCESS_KEY_ID: ${AWS_ID}, AWS_SECRET_ACCESS_KEY: ${AWS_SECRET}, UPSTREAM_AUTH: "Bearer ${BEARER}" }
`,
    );
    gateway = await new GatewayProcess(config, [], adminPort).ready();
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    tmp.dispose();
  });

  it('the client and backend see keyed markers; the audit and the log hold none of the secrets', async () => {
    const client = await connectClient(mcpPort, 'redaction-agent');
    try {
      const message = `use ${AWS_ID} / aws_secret_access_key=${AWS_SECRET} with Authorization: Bearer ${BEARER}`;
      const echoed = firstText(await client.callTool({ name: 'everything__echo', arguments: { message } }));
      expect(echoed).toMatch(/^Echo: use \[redacted:aws-access-key-id:[0-9a-f]{16}\] \/ aws_secret_access_key=\[redacted:aws-secret-access-key:[0-9a-f]{16}\] with Authorization: Bearer \[redacted:(jwt|bearer):[0-9a-f]{16}\]$/);
      const env = firstText(await client.callTool({ name: 'everything__get-env', arguments: {} }));
      expect(env).toContain('"AWS_ACCESS_KEY_ID": "[redacted:aws-access-key-id:');
      const markerOf = (text: string): string | undefined => /\[redacted:aws-access-key-id:[0-9a-f]{16}\]/.exec(text)?.[0];
      expect(markerOf(env)).toBe(markerOf(echoed));
      for (const secret of SECRETS) expect(`${echoed}\n${env}`).not.toContain(secret);
    } finally {
      await client.close();
    }

    const calls = await eventually(
      async () => {
        const rows = await sql(gateway, "SELECT * FROM sluice.calls WHERE agent = 'redaction-agent' AND method = 'tools/call'");
        return rows.length === 2 ? rows : undefined;
      },
      30_000,
      'the two audited calls',
    );
    const events = await sql<{ type: string; payload: string }>(gateway, "SELECT * FROM sluice.events WHERE agent = 'redaction-agent'");
    const stored = JSON.stringify([calls, events]);
    expect(stored).toContain('[redacted:aws-access-key-id:');
    for (const secret of SECRETS) expect(stored).not.toContain(secret);
    const redacted = events.filter((e) => e.type === 'client.message' || e.type === 'backend.message').map((e) => JSON.parse(e.payload).redaction);
    expect(redacted.filter((r) => r !== null)).toEqual(expect.arrayContaining([{ revision: expect.stringMatching(/^[0-9a-f]{16}$/), count: expect.any(Number) }]));

    expect(gateway.log).toContain('sluice started');
    for (const secret of SECRETS) expect(gateway.log).not.toContain(secret);
  });
});
