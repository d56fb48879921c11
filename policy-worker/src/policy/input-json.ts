import type { Principal } from '@sluice/schemas';
import { canonicalJson } from './canonical-json.js';
import type { PolicyInput, ResolvedTool } from './input.js';

const INPUT_KEYS = ['kind', 'method', 'principal', 'resolved', 'session', 'tenant', 'time', 'tool'] as const;
const PRINCIPAL_KEYS = ['agent', 'authMethod', 'environment', 'roles', 'scopes', 'tokenId', 'user'] as const;
const RESOLVED_KEYS = ['environments', 'roles', 'server', 'status', 'tenants', 'tool'] as const;

/**
 * `canonicalJson` of an object whose own keys are among `sortedKeys` (in canonical order), with members already
 * serialized taken from `done`: the same text without listing and sorting the keys. Undefined members are left out,
 * as canonicalJson leaves them out.
 */
function knownObjectJson<K extends string>(record: Readonly<Partial<Record<K, unknown>>>, sortedKeys: readonly K[], done?: Partial<Record<K, string>>): string {
  let text = '{';
  for (const key of sortedKeys) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}"${key}":${done?.[key] ?? canonicalJson(item)}`;
  }
  return `${text}}`;
}

/** Canonical JSON of a principal with exactly the fields of {@link Principal}. */
export function principalJson(principal: Principal): string {
  return knownObjectJson(principal, PRINCIPAL_KEYS);
}

/** Canonical JSON of a resolved tool with exactly the fields of {@link ResolvedTool}. */
export function resolvedToolJson(resolved: ResolvedTool): string {
  return knownObjectJson(resolved, RESOLVED_KEYS);
}

/**
 * Canonical JSON of an input with exactly the fields of {@link PolicyInput}, its principal and resolved tool given
 * as their canonical JSON (serialized once and kept by the caller): equal to `canonicalJson(input)`.
 */
export function policyInputJson(input: PolicyInput, parts: { principal: string; resolved: string | null }): string {
  return knownObjectJson(input, INPUT_KEYS, { principal: parts.principal, resolved: parts.resolved ?? 'null' });
}
