// Writes one fixture event per event type for the current schema version of that type:
// fixtures/v<N>/<type>.bin (the encoded bytes) and .json (the value they decode to, bytes as
// {"$base64": ...}). Released fixtures never change, so existing files are kept, never rewritten.
// Run after a build: `npm run fixtures -w schemas`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { CURRENT_SCHEMA_VERSION, decodeEvent, encodeEvent, EVENT_TYPES } from '../dist/index.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

const principal = {
  user: 'bob@example.com',
  agent: 'inspector/0.16',
  roles: ['analyst'],
  scopes: ['tools:call', 'tools:list'],
  environment: 'staging',
  authMethod: 'api-key',
  tokenId: 'key-4f2a9c',
};
const anonymous = { user: null, agent: null, roles: [], scopes: [], environment: null, authMethod: 'none', tokenId: null };
const envelope = (n, overrides = {}) => ({
  id: `01928c5e-4a10-7b2c-8d3e-00000000000${n}`,
  schemaVersion: 1,
  time: 1_750_000_000_000 + n * 1000,
  tenant: 'globex',
  principal,
  sessionId: 'sess-fixture',
  requestId: `req-${n}`,
  ingressNode: 'ingress-1',
  replyPartition: 3,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: null,
  message: Buffer.from(`{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"search","arguments":{"q":"naïve ✓"}}}`),
  ...overrides,
});

/** The fixture event of each type; edit one only when that type gets a new version. */
const EVENTS = {
  'session.opened': {
    ...envelope(1, { requestId: null, message: null }),
    type: 'session.opened',
    body: { protocolVersion: '2025-06-18', transport: 'sse', clientName: 'inspector', clientVersion: null },
  },
  'session.closed': {
    ...envelope(2, { requestId: null, message: null, principal: anonymous }),
    type: 'session.closed',
    body: { reason: 'idle-timeout' },
  },
  'client.message': {
    ...envelope(3, {
      message: Buffer.from(
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"deploy","arguments":{"key":"[redacted:aws-access-key-id:5d41402abc4b2a76]","q":"naïve ✓"}}}',
      ),
    }),
    type: 'client.message',
    body: { kind: 'request', method: 'tools/call', jsonrpcId: '3', redaction: { revision: '9e107d9d372bb682', count: 1 } },
  },
  'policy.decision': {
    ...envelope(4),
    type: 'policy.decision',
    body: {
      allow: true,
      reason: 'role analyst may call search',
      revision: 'rev-7',
      inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      input: '{"method":"tools/call","tool":"search"}',
      method: 'tools/call',
      jsonrpcId: '4',
      server: 'everything',
      tool: 'search',
      requestTime: 1_750_000_003_000,
    },
  },
  dispatch: {
    ...envelope(5),
    type: 'dispatch',
    body: { server: 'everything', tool: 'search', method: 'tools/call', jsonrpcId: '"five"' },
  },
  'backend.message': {
    ...envelope(6, { tracestate: 'congo=t61rcWkgMzE' }),
    type: 'backend.message',
    body: {
      terminal: true,
      outcome: 'ok',
      errorCode: null,
      method: 'tools/call',
      jsonrpcId: '3',
      server: 'everything',
      tool: 'search',
      policyRevision: 'rev-7',
      requestTime: 1_750_000_003_000,
      requestBytes: 121,
      latencyMs: 42,
      redaction: null,
    },
  },
  'registry.snapshot': {
    ...envelope(7, { sessionId: null, requestId: null, ingressNode: null, replyPartition: null, traceparent: null, message: null }),
    type: 'registry.snapshot',
    body: {
      servers: [
        {
          name: 'everything',
          transport: 'streamable-http',
          status: 'up',
          tools: [
            { name: 'echo', exposedName: 'everything__echo', description: 'Echoes its input' },
            { name: 'add', exposedName: 'everything__add', description: null },
          ],
          withheld: [{ name: 'read\u0000file', reason: 'not a valid tool name: allowed are A-Z a-z 0-9 _ . - (1 to 128 characters)' }],
        },
        { name: 'memory', transport: 'stdio', status: 'down', tools: [], withheld: [] },
      ],
    },
  },
};

function toJson(value) {
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

let written = 0;
for (const type of EVENT_TYPES) {
  const dir = new URL(`v${CURRENT_SCHEMA_VERSION[type]}/`, FIXTURES);
  const bin = new URL(`${type}.bin`, dir);
  const json = new URL(`${type}.json`, dir);
  if (existsSync(bin) || existsSync(json)) {
    if (!(existsSync(bin) && existsSync(json))) throw new Error(`${type}: only one of .bin and .json exists in ${dir.pathname}`);
    continue;
  }
  const bytes = encodeEvent(EVENTS[type]);
  mkdirSync(dir, { recursive: true });
  // 'wx' fails if the file appeared meanwhile: a released fixture is never overwritten.
  writeFileSync(bin, bytes, { flag: 'wx' });
  writeFileSync(json, `${JSON.stringify(toJson(decodeEvent(bytes)), null, 2)}\n`, { flag: 'wx' });
  written++;
  console.log(`wrote fixtures/v${CURRENT_SCHEMA_VERSION[type]}/${type}.{bin,json}`);
}
console.log(written ? `${written} fixture(s) written` : 'all fixtures already exist; nothing written');
