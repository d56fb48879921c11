import { carry, newEvent, type Redactor } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { encodeResponse, type JsonRpcId } from './json-rpc.js';
import type { MethodResult } from './method-result.js';

/** How a reply is redacted: the redactor (null: not at all) and the exposed tool name whose JSON paths apply. */
export interface ReplyRedaction {
  redactor: Redactor | null;
  tool: string | null;
}

/**
 * The one terminal `backend.message` answering a decision's request: the envelope carried from the decision
 * (so it reaches the ingress node's reply partition), the JSON-RPC response with its secrets redacted as the
 * message, and the audit body.
 */
export function replyEvent(
  decision: EventOf<'policy.decision'>,
  method: string,
  id: JsonRpcId,
  result: MethodResult,
  redaction: ReplyRedaction = { redactor: null, tool: null },
): EventOf<'backend.message'> {
  const { body } = decision;
  const response = encodeResponse(id, result.payload);
  const redacted = redaction.redactor?.redact(response, redaction.tool) ?? null;
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
      redaction: redacted?.redaction ?? null,
    },
    { ...carry(decision), message: redacted?.bytes ?? response },
  );
}
