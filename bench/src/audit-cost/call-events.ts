import { newEvent, partitionForKey, type ConsumedEvent } from '@sluice/core';
import { TOPICS, decodeEvent, encodeEvent, topicName, type SluiceEvent, type TopicName } from '@sluice/schemas';

/** Events one tool call leaves on the log here: its four request events and, on average, one session event. */
export const EVENTS_PER_CALL = 5;

const encoder = new TextEncoder();
const TEXT = 'x'.repeat(1_000);
const PREFIX = 'sluice.';

/**
 * Makes the consumed events of tool calls as the audit sink receives them: a 1 KB `tools/call` echo (client message,
 * policy decision, dispatch, terminal reply), each session holding two calls (opened before the first, closed after
 * the second), every event Avro-encoded and decoded again, with the topic, partition and offset of its record.
 */
export class CallEvents {
  private readonly offsets = new Map<string, number>();
  private calls = 0;

  /** The events of the next call, `time` being its start (epoch ms). */
  next(time: number): ConsumedEvent[] {
    const i = this.calls++;
    const session = `bench-session-${Math.floor(i / 2)}-${process.pid}`;
    const env = {
      tenant: 'acme',
      principal: { user: 'ada', agent: 'claude-code', roles: ['dev'], scopes: ['tools:call'], environment: 'production', authMethod: 'oauth' as const, tokenId: 'jti-bench' },
      sessionId: session,
      requestId: `bench-request-${i}-${process.pid}`,
      ingressNode: 'edge-1',
      replyPartition: 3,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    const jsonrpcId = String(i);
    const request = encoder.encode(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'bench__echo', arguments: { text: TEXT } } }));
    const response = encoder.encode(JSON.stringify({ jsonrpc: '2.0', id: i, result: { content: [{ type: 'text', text: TEXT }] } }));
    const target = { server: 'bench', tool: 'echo', method: 'tools/call', jsonrpcId };
    const events: SluiceEvent[] = [
      i % 2 === 0
        ? newEvent('session.opened', { protocolVersion: '2025-06-18', transport: 'streamable-http', clientName: 'bench', clientVersion: '1.0' }, { ...env, requestId: null, time })
        : newEvent('session.closed', { reason: 'client closed' }, { ...env, requestId: null, time: time + 3 }),
      newEvent('client.message', { kind: 'request', method: 'tools/call', jsonrpcId, redaction: null }, { ...env, message: request, time }),
      newEvent(
        'policy.decision',
        { allow: true, reason: 'allowed by default', revision: 'rev-42', inputHash: 'ab'.repeat(32), input: '{"method":"tools/call","tool":"echo"}', ...target, requestTime: time },
        { ...env, message: request, time: time + 1 },
      ),
      newEvent('dispatch', target, { ...env, time: time + 1 }),
      newEvent(
        'backend.message',
        { terminal: true, outcome: 'ok', errorCode: null, ...target, policyRevision: 'rev-42', requestTime: time, requestBytes: request.byteLength, latencyMs: 2, redaction: null },
        { ...env, message: response, time: time + 2 },
      ),
    ];
    return events.map((event) => this.consumed(event));
  }

  /** The events of `calls` calls starting at `time`, one millisecond apart. */
  many(calls: number, time: number): ConsumedEvent[] {
    const out: ConsumedEvent[] = [];
    for (let i = 0; i < calls; i++) out.push(...this.next(time + i));
    return out;
  }

  private consumed(event: SluiceEvent): ConsumedEvent {
    const topic = TOPICS.find((t) => t.events.includes(event.type))!;
    const partition =
      topic.key === 'ingress-node' ? (event.replyPartition ?? 0) : partitionForKey(event.sessionId ?? event.requestId ?? event.id, topic.partitions);
    const physical = topicName(PREFIX, topic.name as TopicName);
    const key = `${physical}/${partition}`;
    const offset = this.offsets.get(key) ?? 0;
    this.offsets.set(key, offset + 1);
    const value = encodeEvent(event);
    return {
      event: decodeEvent(value),
      record: { topic: physical, partition, offset: String(offset), key: event.sessionId, value, headers: {}, timestamp: event.time },
    };
  }
}

/** Splits consumed events into the per-partition groups a bus hands to the handler, in order. */
export function byPartition(events: readonly ConsumedEvent[]): ConsumedEvent[][] {
  const groups = new Map<string, ConsumedEvent[]>();
  for (const item of events) {
    const key = `${item.record.topic}/${item.record.partition}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
