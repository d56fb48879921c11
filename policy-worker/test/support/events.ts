import { newEvent } from '@sluice/core';
import type { EventOf, Principal, RegistryServer } from '@sluice/schemas';
import type { ServerAccess } from '../../src/registry/registry-view.js';

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

/** The servers of {@link SERVERS} as configured (YAML), open to every tenant and principal. */
export const SERVERS_YAML = 'servers:\n  files: { transport: stdio, command: files-server }\n  broken: { transport: streamable-http, url: "http://127.0.0.1:1/mcp" }\n';

/** The access of the servers of {@link SERVERS}: open to every tenant and principal. */
export const OPEN_ACCESS: Record<string, ServerAccess> = {
  files: { tenants: null, environments: null, roles: null },
  broken: { tenants: null, environments: null, roles: null },
};

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

/** Who sends a test request, and when; defaults: session `session-1`, tenant `acme`, roles `[dev]`. */
export interface RequestOptions {
  session?: string;
  /** Epoch milliseconds of the client message. */
  time?: number;
  tenant?: string;
  roles?: string[];
  /** The whole principal; `roles` above replaces only its roles. */
  principal?: Principal;
}

/** A client.message event for a JSON-RPC request (or a notification when `id` is null). */
export function requestEvent(
  method: string,
  params: Record<string, unknown> = {},
  options: RequestOptions & { id?: number | null } = {},
): EventOf<'client.message'> {
  const id = options.id === undefined ? nextId++ : options.id;
  const message = id === null ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id, method, params };
  return newEvent(
    'client.message',
    { kind: id === null ? 'notification' : 'request', method, jsonrpcId: id === null ? null : JSON.stringify(id), redaction: null },
    {
      tenant: options.tenant ?? 'acme',
      principal: options.principal ?? (options.roles ? { ...PRINCIPAL, roles: options.roles } : PRINCIPAL),
      sessionId: options.session ?? 'session-1',
      requestId: `req-${nextId++}`,
      time: options.time ?? 1_750_000_000_000,
      message: Buffer.from(JSON.stringify(message)),
    },
  );
}

/** A tools/call request for an exposed tool name. */
export function toolCall(name: string, options: RequestOptions = {}): EventOf<'client.message'> {
  return requestEvent('tools/call', { name, arguments: {} }, options);
}
