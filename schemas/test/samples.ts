import type { EnvelopeFields, EventOf, EventType } from '../src/index.js';

/** Envelope with every field set, so a field missing from the schema cannot hide behind a null. */
function envelope(n: number, schemaVersion = 2): EnvelopeFields {
  return {
    id: `0190f5c2-7b1e-7c3a-9f00-00000000000${n}`,
    schemaVersion,
    time: 1_760_000_000_000 + n,
    tenant: 'acme',
    principal: {
      user: 'alice@example.com',
      agent: 'claude-code/1.0',
      roles: ['dev', 'ops'],
      scopes: ['tools:call', 'tools:list'],
      environment: 'production',
      authMethod: 'oauth',
      tokenId: 'jti-6f1c2a',
    },
    sessionId: `sess-${n}`,
    requestId: `req-${n}`,
    ingressNode: 'ingress-2',
    replyPartition: 7,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: 'vendor=opaque',
    message: Buffer.from(`{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"échο ✓"}}`),
  };
}

/** One event of every type with every field, optional ones included, set to a non-null value. */
export const FULL_SAMPLES = {
  'session.opened': {
    ...envelope(1),
    type: 'session.opened',
    body: { protocolVersion: '2025-11-25', transport: 'streamable-http', clientName: 'claude-code', clientVersion: '1.0.3' },
  },
  'session.closed': { ...envelope(2), type: 'session.closed', body: { reason: 'client-delete' } },
  'client.message': {
    ...envelope(3, 3),
    type: 'client.message',
    body: { kind: 'request', method: 'tools/call', jsonrpcId: '"abc"', redaction: { revision: 'b3f1c2d4e5a69788', count: 2 } },
  },
  'policy.decision': {
    ...envelope(4),
    type: 'policy.decision',
    body: {
      allow: false,
      reason: 'tool not allowed for role dev',
      revision: 'bundle-42',
      inputHash: 'a'.repeat(64),
      input: '{"method":"tools/call"}',
      method: 'tools/call',
      jsonrpcId: '3',
      server: 'filesystem',
      tool: 'write_file',
      requestTime: 1_760_000_000_003,
    },
  },
  dispatch: {
    ...envelope(5),
    type: 'dispatch',
    body: { server: 'filesystem', tool: 'read_file', method: 'tools/call', jsonrpcId: '5' },
  },
  'backend.message': {
    ...envelope(6, 3),
    type: 'backend.message',
    body: {
      terminal: true,
      outcome: 'error',
      errorCode: -32602,
      method: 'tools/call',
      jsonrpcId: '6',
      server: 'filesystem',
      tool: 'read_file',
      policyRevision: 'bundle-42',
      requestTime: 1_760_000_000_001,
      requestBytes: 2048,
      latencyMs: 37,
      redaction: { revision: 'b3f1c2d4e5a69788', count: 1 },
    },
  },
  'registry.snapshot': {
    ...envelope(7),
    schemaVersion: 3,
    type: 'registry.snapshot',
    body: {
      servers: [
        {
          name: 'filesystem',
          transport: 'stdio',
          status: 'up',
          tools: [{ name: 'read_file', exposedName: 'fs_read_file', description: 'Read a file' }],
          withheld: [{ name: 'read file', reason: 'not a valid tool name: allowed are A-Z a-z 0-9 _ . - (1 to 128 characters)' }],
        },
      ],
    },
  },
} satisfies { [T in EventType]: EventOf<T> };
