import { SluiceError } from '@sluice/core';

/** Error codes raised by the policy worker, each with whether retrying can help. */
export const POLICY_ERRORS = {
  SLUICE_POLICY_BUNDLE_UNREADABLE: { retriable: false, message: 'the policy bundle file cannot be read' },
  SLUICE_POLICY_BUNDLE_INVALID: { retriable: false, message: 'the policy bundle is not a valid OPA wasm bundle' },
  SLUICE_POLICY_INPUT_INVALID: { retriable: false, message: 'the policy input is not plain JSON' },
  SLUICE_POLICY_STOPPED: { retriable: true, message: 'the policy worker stopped; another member will decide' },
} as const;

/** A policy worker error code. */
export type PolicyErrorCode = keyof typeof POLICY_ERRORS;

/** An error of the policy worker: branch on `code`. */
export class PolicyError extends SluiceError {
  constructor(code: PolicyErrorCode, detail: string, cause?: unknown) {
    super(code, `${POLICY_ERRORS[code].message}: ${detail}`, { retriable: POLICY_ERRORS[code].retriable, cause });
    this.name = 'PolicyError';
  }
}
