import { randomUUID } from 'node:crypto';
import {
  EventLog,
  MemoryBus,
  createLogger,
  createMetrics,
  encodedRecord,
  newEvent,
  parseConfig,
  type PrincipalInit,
  type ProduceRecord,
  type ServiceContext,
  type SluiceConfig,
} from '@sluice/core';
import { decodeEvent, type EventOf, type SluiceEvent } from '@sluice/schemas';

/** A produced event, in the global order the router appended it. */
export interface ProducedEvent {
  topic: string;
  partition: number | undefined;
  event: SluiceEvent;
}

/** A memory bus that also records every append, in order, across topics. */
class RecordingBus extends MemoryBus {
  readonly produced: ProduceRecord[] = [];

  override async produce(records: readonly ProduceRecord[]): Promise<void> {
    await super.produce(records);
    this.produced.push(...records);
  }
}

/** A decoded JSON-RPC response from a reply. */
export interface RpcResponse {
  jsonrpc: '2.0';
  id: string | number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** An event log on a recording memory bus, with helpers to send decisions and wait for replies. */
export class Harness {
  readonly bus = new RecordingBus();
  readonly events = new EventLog(this.bus, 'sluice.');
  private sequence = 0;

  static async create(): Promise<Harness> {
    const harness = new Harness();
    await harness.events.ensureTopics();
    return harness;
  }

  /** A service context for `servers` (configuration as written in the YAML file). */
  context(servers: Record<string, unknown>, redaction: Record<string, unknown> = {}): ServiceContext {
    return { config: testConfig(servers, redaction), events: this.events, logger: createLogger('silent'), metrics: createMetrics() };
  }

  /** Every event appended so far, decoded, in append order. */
  produced(): ProducedEvent[] {
    return this.bus.produced.map((r) => ({ topic: r.topic.replace(/^sluice\./, ''), partition: r.partition, event: decodeEvent(encodedRecord(r).value) }));
  }

  /** Publishes a decision for `message` and returns it. */
  async decide(message: Record<string, unknown>, options: DecisionOptions = {}): Promise<EventOf<'policy.decision'>> {
    const decision = this.decision(message, options);
    await this.events.publish('decisions', [decision]);
    return decision;
  }

  /** A decision for `message`, not yet published. */
  decision(message: Record<string, unknown>, options: DecisionOptions = {}): EventOf<'policy.decision'> {
    const id = message.id;
    const params = message.params as { name?: unknown } | undefined;
    return newEvent(
      'policy.decision',
      {
        allow: options.allow ?? true,
        reason: options.reason ?? 'allowed by test',
        revision: 'rev-test',
        inputHash: '0'.repeat(64),
        input: '{}',
        method: typeof message.method === 'string' ? message.method : null,
        jsonrpcId: id === undefined ? null : JSON.stringify(id),
        server: null,
        tool: typeof params?.name === 'string' ? params.name : null,
        requestTime: options.requestTime ?? Date.now(),
      },
      {
        tenant: options.tenant ?? 'acme',
        ...(options.principal ? { principal: options.principal } : {}),
        sessionId: options.sessionId ?? 'session-1',
        requestId: `request-${++this.sequence}-${randomUUID()}`,
        ingressNode: 'node-a',
        replyPartition: options.replyPartition ?? 3,
        message: Buffer.from(JSON.stringify(message)),
      },
    );
  }

  /** Waits for the reply to a decision's request. */
  async reply(decision: EventOf<'policy.decision'>, timeoutMs = 10_000): Promise<{ event: EventOf<'backend.message'>; response: RpcResponse }> {
    const found = await this.waitFor(
      (p) => p.event.type === 'backend.message' && p.event.requestId === decision.requestId,
      timeoutMs,
      `a reply to ${decision.requestId}`,
    );
    const event = found.event as EventOf<'backend.message'>;
    return { event, response: JSON.parse(Buffer.from(event.message ?? new Uint8Array()).toString('utf8')) as RpcResponse };
  }

  /** Sends a request and waits for its reply. */
  async call(message: Record<string, unknown>, options: DecisionOptions = {}): Promise<{ event: EventOf<'backend.message'>; response: RpcResponse }> {
    return this.reply(await this.decide(message, options));
  }

  /** Waits until an appended event matches. */
  async waitFor(match: (p: ProducedEvent) => boolean, timeoutMs = 10_000, what = 'an event'): Promise<ProducedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.produced().find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Registry snapshots published so far, oldest first. */
  snapshots(): EventOf<'registry.snapshot'>['body'][] {
    return this.produced().flatMap((p) => (p.event.type === 'registry.snapshot' ? [p.event.body] : []));
  }
}

/** Options of a test decision. */
export interface DecisionOptions {
  allow?: boolean;
  reason?: string;
  sessionId?: string;
  replyPartition?: number;
  requestTime?: number;
  /** The request's tenant; default `acme`. */
  tenant?: string;
  /** Who sent the request, as the ingress verified it; default nobody. */
  principal?: PrincipalInit;
}

/** Key of the redaction markers in router tests (set, so no key file is made). */
export const TEST_REDACTION_KEY = 'router-test-redaction-key';

/** A validated configuration with these servers, these `redaction` keys, and otherwise defaults. */
export function testConfig(servers: Record<string, unknown>, redaction: Record<string, unknown> = {}): SluiceConfig {
  const config = { servers, audit: { kind: 'off' }, log: { level: 'silent' }, redaction: { hashKey: TEST_REDACTION_KEY, ...redaction } };
  return parseConfig(JSON.stringify(config), 'router-test.yaml');
}

/** Waits until `check` is true. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A tools/call request message. */
export function toolCall(id: string | number, name: string, args?: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: args === undefined ? { name } : { name, arguments: args } };
}

/** What `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}
