import { carry, newEvent } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { encodeResponse, type JsonRpcId } from './json-rpc.js';
import type { MethodResult } from './method-result.js';

/**
 * The one terminal `backend.message` answering a decision's request: the envelope carried from the decision
 * (so it reaches the ingress node's reply partition), the JSON-RPC response as the message, and the audit body.
 */
export function replyEvent(decision: EventOf<'policy.decision'>, method: string, id: JsonRpcId, result: MethodResult): EventOf<'backend.message'> {
  const { body } = decision;
  return newEvent(
    'backend.message',
    {
      terminal: true,
      outcome: result.outcome,
      errorCode: result.errorCode,
      method,
      jsonrpcId: JSON.stringify(id),
      server: result.server,
      tool: result.tool,
      policyRevision: body.revision,
      requestTime: body.requestTime,
      requestBytes: decision.message?.byteLength ?? 0,
      latencyMs: Date.now() - body.requestTime,
    },
    { ...carry(decision), message: encodeResponse(id, result.payload) },
  );
}
