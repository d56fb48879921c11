import { messageJson } from '@sluice/core';
import type { EventOf, Principal } from '@sluice/schemas';
import { sha256Hex } from '../policy/canonical-json.js';
import type { PolicyInput, PreparedInput } from '../policy/input.js';
import { policyInputJson, principalJson } from '../policy/input-json.js';
import type { RegistryView } from '../registry/registry-view.js';

/** Builds the policy input for a client message; parses the message bytes only for `tools/call`, once. */
export function policyInputFor(event: EventOf<'client.message'>, registry: RegistryView): PolicyInput {
  return preparedInputFor(event, registry).value;
}

/**
 * {@link policyInputFor} prepared (as `prepareInput` would, to the same text and hash) from parts serialized
 * once: the resolved tool once per registry snapshot, the principal once while consecutive messages share it.
 */
export function preparedInputFor(event: EventOf<'client.message'>, registry: RegistryView): PreparedInput {
  const { kind, method } = event.body;
  const tool = kind === 'request' && method === 'tools/call' ? requestedTool(event.message) : null;
  const resolved = tool === null ? null : registry.lookup(tool);
  const principal = policyPrincipal(event.principal);
  const value: PolicyInput = {
    kind,
    method,
    tool,
    resolved: resolved?.tool ?? null,
    tenant: event.tenant,
    principal,
    session: event.sessionId,
    time: event.time,
  };
  const json = policyInputJson(value, { principal: lastPrincipal.json(principal), resolved: resolved?.json ?? null });
  return { value, json, hash: sha256Hex(json) };
}

/** The canonical JSON of the last principal serialized, kept while the next one has the same fields. */
class PrincipalMemo {
  private last: Principal | null = null;
  private text = '';

  json(p: Principal): string {
    const last = this.last;
    if (
      last === null ||
      last.user !== p.user ||
      last.agent !== p.agent ||
      last.environment !== p.environment ||
      last.authMethod !== p.authMethod ||
      last.tokenId !== p.tokenId ||
      !sameNames(last.roles, p.roles) ||
      !sameNames(last.scopes, p.scopes)
    ) {
      this.text = principalJson(p);
      this.last = p;
    }
    return this.text;
  }
}

const lastPrincipal = new PrincipalMemo();

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
