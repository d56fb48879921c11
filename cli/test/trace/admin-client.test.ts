import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../../src/trace/admin-client.js';
import { parseTarget } from '../../src/trace/target.js';

const TOKEN = 'a-token-of-more-than-sixteen-chars';

describe('sluice trace: the admin client says why the admin port refused', () => {
  let server: Server;
  let url: URL;
  const seen: Array<{ auth: string | undefined; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        const answers: Record<string, [number, string]> = {
          host: [403, JSON.stringify({ error: { code: 'SLUICE_ADMIN_HOST_FORBIDDEN', message: 'Host "x" is not a name of the admin listener' } })],
          token: [401, JSON.stringify({ error: { code: 'SLUICE_ADMIN_UNAUTHORIZED', message: 'the bearer token is wrong' } })],
          garbage: [200, '<html>not json</html>'],
          rows: [200, '{"a":1}\n{"a":"2"}\n'],
        };
        const [status, text] = answers[body] ?? [400, JSON.stringify({ error: { code: 'SLUICE_AUDIT_SQL_INVALID', message: 'bad' } })];
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sql = (statement: string): Promise<unknown> => sqlClient({ url, token: TOKEN, timeoutMs: 5000 })(statement);

  it('answers the JSON lines as rows and sends the token only as a bearer header', async () => {
    expect(await sql('rows')).toEqual([{ a: 1 }, { a: '2' }]);
    expect(seen.at(-1)).toEqual({ auth: `Bearer ${TOKEN}`, body: 'rows' });
  });

  it('names the Host on 403, the token on 401, and never prints the token', async () => {
    const host = await sql('host').catch((e: unknown) => e as { code: string; message: string });
    expect(host).toMatchObject({ code: 'SLUICE_TRACE_ADMIN_REFUSED' });
    expect((host as Error).message).toMatch(/403.*loopback address or a name in admin\.allowedHosts/);
    const token = await sql('token').catch((e: unknown) => e as Error);
    expect(token).toMatchObject({ code: 'SLUICE_TRACE_ADMIN_REFUSED' });
    expect((token as Error).message).toMatch(/refused the token \(401\)/);
    expect(`${(host as Error).message}${(token as Error).message}`).not.toContain(TOKEN);
    await expect(sql('garbage')).rejects.toMatchObject({ code: 'SLUICE_TRACE_ADMIN_REFUSED' });
    await expect(sql('other')).rejects.toThrow(/answered 400: SLUICE_AUDIT_SQL_INVALID: bad/);
  });
});

describe('sluice trace: ids', () => {
  it('reads a UUID as a request and hex as a session, and refuses anything else before it reaches SQL', () => {
    expect(parseTarget('01A25303-000D-77BF-958A-DE35315B39E8', false)).toEqual({ kind: 'request', id: '01a25303-000d-77bf-958a-de35315b39e8', shape: 'uuid' });
    expect(parseTarget('01a25303-000d-77bf-958a-de35315b39e8', true).kind).toBe('session');
    expect(parseTarget('ab'.repeat(32), false)).toEqual({ kind: 'session', id: 'ab'.repeat(32), shape: 'hex' });
    for (const hostile of ["x' OR 1=1", "01a25303-000d-77bf-958a-de35315b39e8'", 'ab'.repeat(65), 'abc', '\\x27', "ab'||'cd"]) {
      expect(() => parseTarget(hostile, false), hostile).toThrow(expect.objectContaining({ code: 'SLUICE_TRACE_USAGE' }) as Error);
    }
  });
});
