import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, EVERYTHING, GatewayProcess, ROOT, eventually, freePort, scratch, sql, writeConfig } from '../src/harness.js';
import { connectClient, firstText, sessionIdOf } from '../src/mcp.js';

const AGENT = 'trace-agent';
const SLOW = 'everything__trigger-long-running-operation';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with `args`; resolves with its exit code and output. */
function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** The hops of a printed request or session: offset in ms and event type, in the order printed. */
function hops(text: string): Array<{ ms: number; type: string }> {
  return [...text.matchAll(/^\s+\+(\d+) ms\s+(\S+)/gm)].map((m) => ({ ms: Number(m[1]), type: m[2]! }));
}

/** The printed block of one request (from its header to the next request's). */
function block(text: string, requestId: string): string {
  const start = text.indexOf(`request ${requestId}`);
  expect(start, `request ${requestId} printed`).toBeGreaterThanOrEqual(0);
  const next = text.indexOf('\n  request ', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

describe('sluice trace: a request and a session, read back through the admin port', () => {
  const tmp = scratch('trace');
  let gateway: GatewayProcess;
  let config: string;
  let session: string;
  const ids: Record<'echo' | 'denied' | 'timeout' | 'cancelled', string> = { echo: '', denied: '', timeout: '', cancelled: '' };
  let revision = '';

  beforeAll(async () => {
    const mcpPort = await freePort();
    const adminPort = await freePort();
    config = writeConfig(
      tmp.dir,
      'sluice.yaml',
      `listen: { host: 127.0.0.1, port: ${mcpPort} }
admin: { host: 127.0.0.1, port: ${adminPort} }
bus: { kind: memory }
audit: { kind: chdb, path: audit }
log: { level: warn }
servers:
  everything: { transport: stdio, command: ${process.execPath}, args: [${EVERYTHING}, stdio], timeoutMs: 1500 }
`,
    );
    gateway = await new GatewayProcess(config, [], adminPort).ready();

    const client = await connectClient(mcpPort, AGENT);
    session = sessionIdOf(client);
    const echoed = await client.callTool({ name: 'everything__echo', arguments: { message: 'traced' } });
    expect(firstText(echoed)).toBe('Echo: traced');
    await expect(client.callTool({ name: 'nobody__nothing', arguments: {} })).rejects.toThrow(/nobody__nothing/);
    await expect(client.callTool({ name: SLOW, arguments: { duration: 5, steps: 5 } })).rejects.toThrow(/time/i);
    const cancel = new AbortController();
    const cancelled = client.callTool({ name: SLOW, arguments: { duration: 1, steps: 1 } }, undefined, { signal: cancel.signal });
    setTimeout(() => cancel.abort('changed my mind'), 300);
    await expect(cancelled).rejects.toThrow();
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await client.close();

    const calls = await eventually(
      async () => {
        const rows = await sql<{ request_id: string; tool: string | null; outcome: string; policy_revision: string }>(
          gateway,
          `SELECT request_id, tool, outcome, policy_revision FROM sluice.calls WHERE session_id = '${session}' AND method = 'tools/call' ORDER BY started_at`,
        );
        const closed = await sql(gateway, `SELECT 1 FROM sluice.events WHERE session_id = '${session}' AND type = 'session.closed'`);
        return rows.length === 4 && closed.length === 1 ? rows : undefined;
      },
      30_000,
      'the four tool calls and the session close in the audit',
    );
    [ids.echo, ids.denied, ids.timeout, ids.cancelled] = calls.map((c) => c.request_id) as [string, string, string, string];
    expect(calls.map((c) => c.outcome)).toEqual(['ok', 'denied', 'timeout', 'error']);
    revision = calls[0]!.policy_revision;
    expect(revision).toMatch(/\S/);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    tmp.dispose();
  });

  it('prints every hop of an allowed call in order, with the principal, the decision and the revision', async () => {
    const run = await cli(['trace', ids.echo, '--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(gateway.adminToken);
    const steps = hops(run.stdout);
    expect(steps.map((h) => h.type)).toEqual(['client.message', 'policy.decision', 'dispatch', 'backend.message']);
    expect(steps[0]!.ms).toBe(0);
    expect(steps.map((h) => h.ms)).toEqual([...steps.map((h) => h.ms)].sort((a, b) => a - b));
    expect(run.stdout).toContain(`request ${ids.echo}`);
    expect(run.stdout).toMatch(new RegExp(`principal: tenant \\S+, user \\S+, agent ${AGENT}, roles \\S+, auth \\S+`));
    expect(run.stdout).toMatch(/policy\.decision\s+allow: .*tool echo, bundle revision \S+, input sha256 [0-9a-f]{64}/);
    expect(run.stdout).toContain(`bundle revision ${revision}`);
    expect(run.stdout).toContain(`policy revision ${revision}`);
    expect(run.stdout).toMatch(/dispatch\s+to server everything: tools\/call echo/);
    expect(run.stdout).toMatch(/outcome ok, latency [\d.]+ ms, server everything, tool echo/);
    expect(run.stdout).toMatch(/backend\.message\s+reply ok, latency \d+ ms/);
  });

  it('shows the denial, the timeout and the cancellation for what they were', async () => {
    const denied = await cli(['trace', ids.denied, '--config', config]);
    expect(denied.code, denied.stderr).toBe(0);
    expect(hops(denied.stdout).map((h) => h.type)).toEqual(['client.message', 'policy.decision', 'backend.message']);
    expect(denied.stdout).toMatch(/policy\.decision\s+DENY: /);
    expect(denied.stdout).toMatch(/reply denied: -32003 Denied by policy/);

    const timedOut = await cli(['trace', ids.timeout, '--config', config]);
    expect(hops(timedOut.stdout).map((h) => h.type)).toEqual(['client.message', 'policy.decision', 'dispatch', 'backend.message']);
    expect(timedOut.stdout).toMatch(/outcome timeout \(error -?\d+\), latency/);
    const last = hops(timedOut.stdout).at(-1)!;
    expect(last.ms).toBeGreaterThanOrEqual(1500);

    const cancelled = await cli(['trace', ids.cancelled, '--config', config]);
    expect(hops(cancelled.stdout).map((h) => h.type)).toEqual(['client.message', 'policy.decision', 'dispatch', 'backend.message']);
    expect(cancelled.stdout).toMatch(/reply error: -?\d+ Request cancelled by the client/);
  });

  it('prints a whole session in order, from a session id or from one of its request ids', async () => {
    const run = await cli(['trace', session, '--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(session);
    const positions = [ids.echo, ids.denied, ids.timeout, ids.cancelled].map((id) => run.stdout.indexOf(`request ${id}`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(run.stdout.indexOf('session.opened')).toBeLessThan(positions[0]!);
    expect(run.stdout.lastIndexOf('session.closed')).toBeGreaterThan(positions[3]!);
    expect(block(run.stdout, ids.echo)).toMatch(/client\.message[\s\S]*policy\.decision[\s\S]*dispatch[\s\S]*backend\.message/);
    expect(block(run.stdout, ids.echo)).toContain(`agent ${AGENT}`);
    // The client's notifications/cancelled is a request of the session too, with no reply.
    expect(run.stdout).toMatch(/notifications\/cancelled/);

    const viaRequest = await cli(['trace', ids.denied, '--session', '--config', config]);
    expect(viaRequest.code).toBe(0);
    expect(viaRequest.stdout).toBe(run.stdout);

    const cut = await cli(['trace', session, '--limit', '2', '--config', config]);
    expect(cut.code).toBe(0);
    expect(cut.stdout.match(/^ {2}request /gm)).toHaveLength(2);
    const total = Number(/^session \S+ \(tag\): (\d+) requests/m.exec(run.stdout)![1]);
    expect(cut.stdout).toContain(`${total - 2} more requests not shown: --limit ${total} shows them all`);
  });

  it('prints with --json exactly the rows /admin/sql answers', async () => {
    const one = await cli(['trace', ids.timeout, '--json', '--config', config]);
    expect(one.code, one.stderr).toBe(0);
    const request = JSON.parse(one.stdout) as { requests: Array<{ call: unknown; events: unknown[] }>; session_id: string };
    expect(request.session_id).toBe(session);
    expect(request.requests).toHaveLength(1);
    expect(request.requests[0]!.events).toEqual(await sql(gateway, `SELECT * FROM sluice.events WHERE request_id = '${ids.timeout}' ORDER BY time, event_id`));
    expect([request.requests[0]!.call]).toEqual(await sql(gateway, `SELECT * FROM sluice.calls WHERE request_id = '${ids.timeout}'`));

    const whole = await cli(['trace', session, '--json', '--config', config]);
    const trace = JSON.parse(whole.stdout) as { requests: Array<{ request_id: string; events: unknown[] }>; session_events: unknown[]; total_requests: number };
    const events = await sql<{ request_id: string | null }>(gateway, `SELECT * FROM sluice.events WHERE session_id = '${session}' ORDER BY time, event_id`);
    expect(trace.session_events).toEqual(events.filter((e) => e.request_id === null));
    expect(trace.requests.flatMap((r) => r.events)).toEqual(
      trace.requests.flatMap((r) => events.filter((e) => e.request_id === r.request_id)),
    );
    expect(new Set(trace.requests.map((r) => r.request_id))).toEqual(new Set(events.flatMap((e) => (e.request_id === null ? [] : [e.request_id]))));
    expect(trace.total_requests).toBe(trace.requests.length);
  });

  it('exits 1 for an id the audit does not hold, 2 for a malformed or hostile id, 3 for a wrong token', async () => {
    const unknown = await cli(['trace', '01900000-0000-7000-8000-000000000000', '--config', config]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no request 01900000-0000-7000-8000-000000000000 in the audit store/);
    expect((await cli(['trace', 'ab'.repeat(32), '--config', config])).code).toBe(1);

    for (const id of ["' OR 1=1 --", `${ids.echo}' OR ''='`, 'not-an-id', `${session}\n`.repeat(2)]) {
      const hostile = await cli(['trace', id, '--config', config]);
      expect(hostile.code, id).toBe(2);
      expect(hostile.stderr).toMatch(/neither a request id/);
    }
    expect((await cli(['trace', ids.echo, '--limit', '0', '--config', config])).code).toBe(2);

    const wrong = join(tmp.dir, 'wrong-token');
    writeFileSync(wrong, 'not-the-admin-token-at-all\n', { mode: 0o600 });
    const refused = await cli(['trace', ids.echo, '--admin', `http://127.0.0.1:${gateway.adminPort}`, '--token-file', wrong]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused the token \(401\)/);
    expect(refused.stderr).not.toContain('not-the-admin-token-at-all');
    const noToken = await cli(['trace', ids.echo, '--admin', `http://127.0.0.1:${gateway.adminPort}`]);
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toMatch(/wants a token \(401\)/);
    const closed = await cli(['trace', ids.echo, '--admin', `http://127.0.0.1:${await freePort()}`, '--config', config]);
    expect(closed.code).toBe(3);
    expect(closed.stderr).toMatch(/cannot reach the admin port at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
