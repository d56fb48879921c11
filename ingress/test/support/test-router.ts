import { carry, newEvent, type EventLog } from '@sluice/core';
import type { BackendMessageBody, EventOf } from '@sluice/schemas';

/** What the test router saw and can do. */
export interface TestRouter {
  /** client.message events in the order they were read. */
  readonly seen: EventOf<'client.message'>[];
  stop(): Promise<void>;
}

const REPLIES_PARTITIONS = 16;

/**
 * Plays policy-worker and router: answers each request with ONE terminal backend.message on the request's reply
 * partition; initialize from a client named `refused-client` gets an error, `ping` gets `{}`, other methods `{ echoed: params }`. Tools: `echo` (echoes its arguments), `silent` (never answers), `slow` (answers after `arguments.ms`), `big` (a text of `arguments.size` bytes), `misrouted` (answers on another
 * partition only), `notify` (first sends a non-terminal notifications/message, tied to the request when
 * `arguments.related` is true, then answers), `verbatim` (answers with {@link verbatimReply}'s bytes).
 */
export async function startTestRouter(events: EventLog): Promise<TestRouter> {
  const seen: EventOf<'client.message'>[] = [];
  const subscription = await events.subscribe({ group: `test-router-${Math.random()}`, topics: ['requests'] }, async (batch) => {
    for (const { event } of batch) {
      if (event.type !== 'client.message') continue;
      seen.push(event);
      if (event.body.kind === 'request') await answer(events, event);
    }
  });
  return { seen, stop: () => subscription.stop() };
}

async function answer(events: EventLog, request: EventOf<'client.message'>): Promise<void> {
  const message = JSON.parse(Buffer.from(request.message!).toString('utf8')) as { id: unknown; method: string; params?: any };
  const reply = (result: unknown, init: { partition?: number } = {}): EventOf<'backend.message'> =>
    newEvent('backend.message', body(request, true), {
      ...carry(request),
      replyPartition: init.partition ?? request.replyPartition,
      message: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: message.id, result })),
    });
  switch (message.method) {
    case 'initialize':
      if (message.params.clientInfo?.name === 'refused-client') {
        const refusal = { jsonrpc: '2.0', id: message.id, error: { code: -32602, message: 'Unsupported protocol version' } };
        await events.publish('replies', [{ ...reply(null), message: Buffer.from(JSON.stringify(refusal)) }]);
        return;
      }
      await events.publish('replies', [
        reply({ protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'test-router', version: '1.0.0' } }),
      ]);
      return;
    case 'tools/list':
      await events.publish('replies', [reply({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] })]);
      return;
    case 'tools/call':
      return callTool(events, request, message.params, reply);
    case 'ping':
      await events.publish('replies', [reply({})]);
      return;
    default:
      await events.publish('replies', [reply({ echoed: message.params ?? null })]);
  }
}

async function callTool(
  events: EventLog,
  request: EventOf<'client.message'>,
  params: { name: string; arguments?: Record<string, unknown> },
  reply: (result: unknown, init?: { partition?: number }) => EventOf<'backend.message'>,
): Promise<void> {
  const args = params.arguments ?? {};
  const echo = { content: [{ type: 'text', text: JSON.stringify(args) }], echoed: params };
  switch (params.name) {
    case 'silent':
      return;
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, Number(args.ms ?? 100)));
      await events.publish('replies', [reply(echo)]);
      return;
    case 'big':
      await events.publish('replies', [reply({ content: [{ type: 'text', text: 'z'.repeat(Number(args.size)) }] })]);
      return;
    case 'verbatim':
      await events.publish('replies', [{ ...reply(null), message: Buffer.from(verbatimReply(request)) }]);
      return;
    case 'misrouted':
      await events.publish('replies', [reply(echo, { partition: ((request.replyPartition ?? 0) + 1) % REPLIES_PARTITIONS })]);
      return;
    case 'notify': {
      const note = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: args.text ?? 'note' } };
      const notification = newEvent('backend.message', body(request, false), {
        ...carry(request),
        requestId: args.related === true ? request.requestId : null,
        message: Buffer.from(JSON.stringify(note)),
      });
      await events.publish('replies', [notification, reply(echo)]);
      return;
    }
    default:
      await events.publish('replies', [reply(echo)]);
  }
}

/** A reply whose bytes any JSON re-serialization would change (spacing, a line break, `1.0`). */
export function verbatimReply(request: EventOf<'client.message'>): string {
  return `{"jsonrpc": "2.0",\n  "id": ${request.body.jsonrpcId}, "result": {"content": [], "n": 1.0}}`;
}

function body(request: EventOf<'client.message'>, terminal: boolean): BackendMessageBody {
  return {
    terminal,
    outcome: terminal ? 'ok' : null,
    errorCode: null,
    method: request.body.method,
    jsonrpcId: terminal ? request.body.jsonrpcId : null,
    server: 'test',
    tool: null,
    policyRevision: null,
    requestTime: request.time,
    requestBytes: request.message?.length ?? null,
    latencyMs: null,
    redaction: null,
  };
}
