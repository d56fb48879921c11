export { startPolicyWorker } from './policy-worker.js';
export { POLICY_ERRORS, PolicyError, type PolicyErrorCode } from './errors.js';
export {
  DISABLED_REVISION,
  POLICY_ENTRYPOINT,
  disabledEngine,
  loadBundleEngine,
  loadPolicyEngine,
  type Decision,
  type PolicyEngine,
} from './policy/engine.js';
export { defaultBundlePath, readBundle, type PolicyBundle } from './policy/bundle.js';
export { decide } from './policy/decide.js';
export { parseRecordedInput, prepareInput, type PolicyInput, type PreparedInput, type ResolvedTool } from './policy/input.js';
