import { describe, expect, it } from 'vitest';
import { renderTrace } from '../../src/trace/render.js';

const SESSION = 'ab'.repeat(32);

describe('sluice trace: the human output', () => {
  it('escapes terminal control sequences a client stored, and shows the session by its tag only', () => {
    const opened = {
      type: 'session.opened',
      time: '2026-01-02 03:04:05.000',
      tenant: 'default',
      principal_user: null,
      agent: '\u001b]0;pwned\u0007agent',
      roles: [],
      auth_method: 'none',
      token_id: null,
      session_id: SESSION,
      request_id: null,
      payload: JSON.stringify({ protocolVersion: '2025-11-25', transport: 'streamable-http', clientName: '\u001b[2Jclient', clientVersion: '1' }),
      message: '',
    };
    const out = renderTrace({ kind: 'session', session_id: SESSION, requests: [], session_events: [opened], total_requests: 0, limit: 100 });
    expect([...out].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(out).toContain('\\u001b[2Jclient');
    expect(out).toContain('\\u001b]0;pwned\\u0007agent');
    expect(out).not.toContain(SESSION);
    expect(out).toMatch(/^session [0-9a-f]{12} \(tag\): 0 requests$/m);
  });
});
