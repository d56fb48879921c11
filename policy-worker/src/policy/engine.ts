import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import type { PolicyConfig } from '@sluice/core';
import { PolicyError } from '../errors.js';
import { defaultBundlePath, readBundle } from './bundle.js';
import type { PreparedInput } from './input.js';

/** The rule every Sluice policy bundle must provide: `{ allow: boolean, reason: string }`. */
export const POLICY_ENTRYPOINT = 'sluice/authz/decision';

/** Revision recorded when policy evaluation is switched off. */
export const DISABLED_REVISION = 'none';

/** What a policy decided. */
export interface Decision {
  allow: boolean;
  reason: string;
}

/** A loaded policy, evaluated many times. */
export interface PolicyEngine {
  /** Revision of the bundle, recorded on every decision. */
  readonly revision: string;
  /** Where the policy came from (a bundle path, or `disabled`). */
  readonly source: string;
  /** Evaluates an input. Never throws: a policy that fails or gives no well-formed decision denies. */
  evaluate(input: PreparedInput): Decision;
}

/** The engine the configuration asks for: the configured bundle, the default bundle, or allow-all when disabled. */
export async function loadPolicyEngine(config: PolicyConfig): Promise<PolicyEngine> {
  if (!config.enabled) return disabledEngine();
  return loadBundleEngine(config.bundle ?? defaultBundlePath());
}

/** An engine that allows everything, recording revision `none`. */
export function disabledEngine(): PolicyEngine {
  return { revision: DISABLED_REVISION, source: 'disabled', evaluate: () => ({ allow: true, reason: 'policy disabled' }) };
}

/** Loads an OPA wasm bundle once; evaluations reuse the instance and its data. */
export async function loadBundleEngine(file: string): Promise<PolicyEngine> {
  const bundle = await readBundle(file);
  const invalid = (reason: string, cause?: unknown): PolicyError =>
    new PolicyError('SLUICE_POLICY_BUNDLE_INVALID', `${file}: ${reason}`, cause);
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(bundle.wasm);
    policy.setData(bundle.data);
  } catch (err) {
    throw invalid(`/policy.wasm does not load (${(err as Error).message})`, err);
  }
  const entrypoint = (policy.entrypoints as Record<string, number>)[POLICY_ENTRYPOINT];
  if (entrypoint === undefined) throw invalid(`it has no entrypoint ${POLICY_ENTRYPOINT} (build it with -e ${POLICY_ENTRYPOINT})`);
  const encoder = new TextEncoder();
  return {
    revision: bundle.revision,
    source: file,
    evaluate(input) {
      let results: unknown;
      try {
        // An ArrayBuffer is taken as JSON text as is, which spares opa-wasm a second stringify.
        const bytes = encoder.encode(input.json);
        results = policy.evaluate(bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer, entrypoint);
      } catch (err) {
        return { allow: false, reason: `policy evaluation failed: ${(err as Error).message}` };
      }
      return toDecision(results);
    },
  };
}

function toDecision(results: unknown): Decision {
  if (!Array.isArray(results) || results.length === 0) return { allow: false, reason: 'policy gave no decision' };
  const result: unknown = (results[0] as { result?: unknown } | null)?.result;
  if (typeof result === 'object' && result !== null) {
    const { allow, reason } = result as Record<string, unknown>;
    if (typeof allow === 'boolean' && typeof reason === 'string') return { allow, reason };
  }
  return { allow: false, reason: 'policy gave a malformed decision (expected {allow: boolean, reason: string})' };
}
