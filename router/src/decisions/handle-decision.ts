import { sessionTag, type EventLog, type Logger, type Redactor } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import type { Semaphore } from '../concurrency/semaphore.js';
import { JsonRpcWireError, RouterError } from '../errors.js';
import type { ArgumentFirewall } from '../firewall/argument-firewall.js';
import { answerRequest } from '../methods/answer-request.js';
import { isObject, parseClientMessage, type ClientMessage } from '../methods/json-rpc.js';
import { failed, type MethodResult } from '../methods/method-result.js';
import { replyEvent } from '../methods/reply.js';
import type { ToolRegistry } from '../registry/registry.js';
import type { InFlightRequests } from './in-flight.js';

/** What handling decisions needs. */
export interface DecisionDeps {
  registry: ToolRegistry;
  firewall: ArgumentFirewall;
  events: EventLog;
  logger: Logger;
  inFlight: InFlightRequests;
  /** Replaces secrets in replies before they are published; null when `redaction.enabled` is false. */
  redactor: Redactor | null;
  /** Bounds the requests being answered at once, across all partitions. */
  semaphore: Semaphore;
}

/** A decision being handled: `started` once it holds a slot of the semaphore, `done` once it is answered. */
export interface DecisionHandling {
  started: Promise<unknown>;
  done: Promise<void>;
}

const NOTHING_TO_DO: DecisionHandling = { started: Promise.resolve(), done: Promise.resolve() };

/**
 * Handles one policy decision: a request gets exactly one reply on `replies` (its answer, or -32003 when
 * denied); a notification or response gets none, except that an allowed `notifications/cancelled` aborts the
 * request it names. The synchronous part registers the request as in flight, so a cancellation handled right
 * after it (later in the same batch, or in a later batch while it runs) finds it. `done` rejects only when the
 * reply could not be published or the router is stopping: the decision must then be delivered again.
 */
export function handleDecision(deps: DecisionDeps, decision: EventOf<'policy.decision'>): DecisionHandling {
  const message = parseClientMessage(decision.message);
  if (message.kind !== 'request') {
    handleNonRequest(deps, decision, message);
    return NOTHING_TO_DO;
  }
  const request = deps.inFlight.begin(decision, message.id);
  const slot = deps.semaphore.acquire();
  const done = (async () => {
    const release = await slot;
    try {
      const result = decision.body.allow
        ? await answerRequest({
            registry: deps.registry,
            firewall: deps.firewall,
            events: deps.events,
            logger: deps.logger,
            decision,
            id: message.id,
            method: message.method,
            params: message.params,
            signal: request.signal,
            abort: request.abort,
          })
        : denied(decision);
      const tool = message.method === 'tools/call' && typeof message.params?.name === 'string' ? message.params.name : null;
      await deps.events.publish('replies', [replyEvent(decision, message.method, message.id, result, { redactor: deps.redactor, tool })]);
    } finally {
      release();
      request.end();
    }
  })();
  return { started: slot, done };
}

function denied(decision: EventOf<'policy.decision'>): MethodResult {
  const { reason, server, tool } = decision.body;
  return failed(new JsonRpcWireError(-32003, `Denied by policy: ${reason}`), 'denied', { server, tool });
}

function handleNonRequest(deps: DecisionDeps, decision: EventOf<'policy.decision'>, message: ClientMessage): void {
  if (message.kind === 'invalid') {
    deps.logger.warn({ requestId: decision.requestId, reason: message.reason }, 'decision without a usable client message; not answered');
    return;
  }
  if (message.kind !== 'notification' || message.method !== 'notifications/cancelled' || !decision.body.allow) return;
  const target = isObject(message.params) ? message.params.requestId : undefined;
  if (typeof target !== 'string' && typeof target !== 'number') return;
  const reason = typeof message.params?.reason === 'string' ? `: ${message.params.reason}` : '';
  const cancelled = deps.inFlight.cancel(decision, target, new RouterError('SLUICE_ROUTER_CALL_CANCELLED', `Request cancelled by the client${reason}`));
  deps.logger.debug({ session: sessionTag(decision.sessionId), target, cancelled }, 'client cancelled a request');
}
