import type { Principal } from '@sluice/schemas';
import { PolicyError } from '../errors.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/**
 * A tool name resolved against the registry: the server that provides it, its own name there, the server's
 * status, and who may use the server (from the configuration).
 */
export interface ResolvedTool {
  server: string;
  tool: string;
  status: 'up' | 'down';
  /** `servers.<name>.tenants`: the tenants the server is open to; null: every tenant. */
  tenants: string[] | null;
  /** `servers.<name>.environments`: the environments (the principal's `environment`) it is open to; null: every one. */
  environments: string[] | null;
  /** `servers.<name>.roles`: roles of which the principal needs one; null: any principal. */
  roles: string[] | null;
}

/**
 * Everything a policy may decide on. Nothing else is visible to it (the bundle's data aside), so replaying a
 * recorded input through the same bundle reproduces the decision; the time is an input, not a clock.
 */
export interface PolicyInput {
  /** JSON-RPC message kind; only requests are evaluated. */
  kind: 'request' | 'notification' | 'response';
  method: string | null;
  /** For `tools/call`: the tool name the client asked for (`params.name`), else null. */
  tool: string | null;
  /** `tool` resolved against the latest registry snapshot; null when no registered server exposes it. */
  resolved: ResolvedTool | null;
  tenant: string;
  /**
   * Who acts, and the credential they authenticated with. Inputs recorded before the credential fields existed lack
   * them; replaying such an input leaves them out, so its hash and decision stay what was recorded.
   */
  principal: Principal;
  session: string | null;
  /** Epoch milliseconds of the client message. */
  time: number;
}

/** A policy input with its canonical JSON and that text's SHA-256, computed once. */
export interface PreparedInput {
  readonly value: PolicyInput;
  /** Canonical JSON (sorted keys): what a decision records and what the policy reads. */
  readonly json: string;
  /** SHA-256 of `json`, 64 hex digits. */
  readonly hash: string;
}

/** Prepares an input for evaluation and recording. */
export function prepareInput(value: PolicyInput): PreparedInput {
  const json = canonicalJson(value);
  return { value, json, hash: sha256Hex(json) };
}

/** Prepares a recorded input (a decision's `input`) for replay. */
export function parseRecordedInput(json: string): PreparedInput {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new PolicyError('SLUICE_POLICY_INPUT_INVALID', 'the recorded input is not JSON', err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('SLUICE_POLICY_INPUT_INVALID', 'the recorded input is not a JSON object');
  }
  return prepareInput(value as PolicyInput);
}
