import type { Decision, PolicyEngine } from './engine.js';
import type { PreparedInput } from './input.js';

/**
 * The decision for an input: requests are evaluated by the policy, other messages (notifications and
 * responses) are allowed without evaluation. Replaying a recorded input through this function and the same
 * bundle gives the recorded decision.
 */
export function decide(engine: PolicyEngine, input: PreparedInput): Decision {
  if (input.value.kind !== 'request') return { allow: true, reason: 'not a request' };
  return engine.evaluate(input);
}
