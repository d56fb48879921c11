import { carry, newEvent } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { decide } from '../policy/decide.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { RegistryView } from '../registry/registry-view.js';
import { preparedInputFor } from './policy-input.js';

/**
 * The `policy.decision` for a client message: the client's envelope and message bytes, the decision, the
 * bundle revision, and the canonical input with its hash so the decision can be replayed.
 */
export function decideMessage(
  event: EventOf<'client.message'>,
  registry: RegistryView,
  engine: PolicyEngine,
): EventOf<'policy.decision'> {
  const input = preparedInputFor(event, registry);
  const { allow, reason } = decide(engine, input);
  return newEvent(
    'policy.decision',
    {
      allow,
      reason,
      revision: engine.revision,
      inputHash: input.hash,
      input: input.json,
      method: event.body.method,
      jsonrpcId: event.body.jsonrpcId,
      server: input.value.resolved?.server ?? null,
      tool: input.value.resolved?.tool ?? input.value.tool,
      requestTime: event.time,
    },
    { ...carry(event), message: event.message },
  );
}
