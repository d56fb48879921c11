import { newEvent } from '@sluice/core';
import type { EventOf, Principal, RegistryServer } from '@sluice/schemas';

/** A registry with server `files` (up) and `broken` (down), tools exposed as `<server>__<tool>`. */
export const SERVERS: RegistryServer[] = [
  {
    name: 'files',
    transport: 'stdio',
    status: 'up',
    tools: [
      { name: 'read', exposedName: 'files__read', description: 'Reads a file' },
      { name: 'write', exposedName: 'files__write', description: null },
    ],
    withheld: [],
  },
  { name: 'broken', transport: 'streamable-http', status: 'down', tools: [{ name: 'fix', exposedName: 'broken__fix', description: null }], withheld: [] },
];

/** A registry snapshot event. */
export function snapshotEvent(servers: RegistryServer[] = SERVERS): EventOf<'registry.snapshot'> {
  return newEvent('registry.snapshot', { servers }, { tenant: 'system' });
}

/** The principal of every request: an OAuth caller with one scope. */
export const PRINCIPAL: Principal = {
  user: 'ada',
  agent: 'claude',
  roles: ['dev'],
  scopes: ['tools:call'],
  environment: 'production',
  authMethod: 'oauth',
  tokenId: 'jti-0001',
};

let nextId = 1;

/** A client.message event for a JSON-RPC request (or a notification when `id` is null). */
export function requestEvent(
  method: string,
  params: Record<string, unknown> = {},
  options: { id?: number | null; session?: string; time?: number; principal?: Principal } = {},
): EventOf<'client.message'> {
  const id = options.id === undefined ? nextId++ : options.id;
  const message = id === null ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id, method, params };
  return newEvent(
    'client.message',
    { kind: id === null ? 'notification' : 'request', method, jsonrpcId: id === null ? null : JSON.stringify(id) },
    {
      tenant: 'acme',
      principal: options.principal ?? PRINCIPAL,
      sessionId: options.session ?? 'session-1',
      requestId: `req-${nextId++}`,
      time: options.time ?? 1_750_000_000_000,
      message: Buffer.from(JSON.stringify(message)),
    },
  );
}

/** A tools/call request for an exposed tool name. */
export function toolCall(name: string, options: { session?: string; time?: number; principal?: Principal } = {}): EventOf<'client.message'> {
  return requestEvent('tools/call', { name, arguments: {} }, options);
}
