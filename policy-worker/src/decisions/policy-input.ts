import { messageJson } from '@sluice/core';
import type { EventOf, Principal } from '@sluice/schemas';
import type { PolicyInput } from '../policy/input.js';
import type { RegistryView } from '../registry/registry-view.js';

/** Builds the policy input for a client message; parses the message bytes only for `tools/call`, once. */
export function policyInputFor(event: EventOf<'client.message'>, registry: RegistryView): PolicyInput {
  const { kind, method } = event.body;
  const tool = kind === 'request' && method === 'tools/call' ? requestedTool(event.message) : null;
  return {
    kind,
    method,
    tool,
    resolved: tool === null ? null : registry.resolve(tool),
    tenant: event.tenant,
    principal: policyPrincipal(event.principal),
    session: event.sessionId,
    time: event.time,
  };
}

/** A copy of the event's principal, field by field: a field the schema gains later enters the input only when added here. */
function policyPrincipal(p: Principal): Principal {
  return {
    user: p.user,
    agent: p.agent,
    roles: [...p.roles],
    scopes: [...p.scopes],
    environment: p.environment,
    authMethod: p.authMethod,
    tokenId: p.tokenId,
  };
}

/** `params.name` of a JSON-RPC `tools/call` request, or null when absent or not a string. */
export function requestedTool(message: Uint8Array | null): string | null {
  if (!message) return null;
  let parsed: unknown;
  try {
    parsed = messageJson(message);
  } catch {
    return null;
  }
  const params = (parsed as { params?: unknown } | null)?.params;
  const name = (params as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : null;
}
