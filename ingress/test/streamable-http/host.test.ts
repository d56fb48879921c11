import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { POST_HEADERS, initializeRequest, rawRequest } from '../support/http.js';

describe('Host header on /mcp (DNS-rebinding protection)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ allowedHosts: ['mcp.internal.example', 'gw.example:8443'] });
  });
  afterAll(async () => {
    await h.stop();
  });

  const initialize = (host: string) =>
    rawRequest(h.url, { method: 'POST', headers: { ...POST_HEADERS, Host: host }, body: JSON.stringify(initializeRequest()) });

  it.each(['evil.example', 'evil.example:PORT', 'localhost.evil.example', '127.0.0.1.nip.io', 'gw.example:443', 'not a host'])(
    'refuses Host %j with 403 before anything else, and creates no session',
    async (host) => {
      const before = h.recorded.length;
      const response = await initialize(host.replace('PORT', String(h.ingress.port)));
      expect(response.status).toBe(403);
      expect(response.headers['mcp-session-id']).toBeUndefined();
      const body = JSON.parse(response.body) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32000);
      expect(body.error.message).toContain('Host');
      expect(h.recorded.length).toBe(before);
    },
  );

  it('refuses a foreign Host on other paths and methods too', async () => {
    for (const [method, path] of [['GET', '/mcp'], ['DELETE', '/mcp'], ['GET', '/metrics'], ['PUT', '/mcp']] as const) {
      const response = await rawRequest(h.url.replace('/mcp', path), { method, headers: { Host: 'evil.example' } });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'mcp.internal.example:9999', 'gw.example:8443'])(
    'serves Host %j',
    async (host) => {
      const response = await initialize(host.replace('PORT', String(h.ingress.port)));
      expect(response.status).toBe(200);
      expect(response.headers['mcp-session-id']).toMatch(/^[0-9a-f]{64}$/);
    },
  );
});
