import { decodeEvent, encodeEvent, type Principal } from '@sluice/schemas';
import { describe, expect, it } from 'vitest';
import { carry, newEvent } from '../../src/events/new-event.js';

const body = { kind: 'request', method: 'tools/call', jsonrpcId: '1', redaction: null } as const;

describe('newEvent principal', () => {
  it('is nobody, with no credential, when the producer names no principal', () => {
    expect(newEvent('client.message', body, { tenant: 'acme' }).principal).toStrictEqual({
      user: null,
      agent: null,
      roles: [],
      scopes: [],
      environment: null,
      authMethod: null,
      tokenId: null,
    });
  });

  it('defaults the credential fields a producer leaves out, and the event encodes', () => {
    const event = newEvent('client.message', body, { tenant: 'acme', principal: { user: null, agent: 'inspector', roles: [], authMethod: 'none' } });
    expect(event.principal).toStrictEqual({ user: null, agent: 'inspector', roles: [], scopes: [], environment: null, authMethod: 'none', tokenId: null });
    expect(decodeEvent(encodeEvent(event)).principal).toStrictEqual(event.principal);
  });

  it('keeps a full principal, and carries it to the events that follow', () => {
    const principal: Principal = { user: 'ada', agent: 'claude-code', roles: ['dev'], scopes: ['tools:call'], environment: 'production', authMethod: 'oauth', tokenId: 'jti-1' };
    const request = newEvent('client.message', body, { tenant: 'acme', principal });
    const reply = newEvent('dispatch', { server: 'files', tool: 'read', method: 'tools/call', jsonrpcId: '1' }, carry(request));
    expect(reply.principal).toStrictEqual(principal);
    expect(decodeEvent(encodeEvent(reply)).principal).toStrictEqual(principal);
  });
});
