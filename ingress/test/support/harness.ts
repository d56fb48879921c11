import { randomUUID } from 'node:crypto';
import { EventLog, MemoryBus, createLogger, createMetrics, parseConfig, type Bus, type Metrics } from '@sluice/core';
import type { SluiceEvent } from '@sluice/schemas';
import { startIngress, type IngressOptions, type RunningIngress } from '../../src/index.js';
import { startTestRouter, type TestRouter } from './test-router.js';

/** Key of the redaction markers in ingress tests (set, so no key file is made). */
export const TEST_REDACTION_KEY = 'ingress-test-redaction-key';

/** Knobs of one test ingress. */
export interface HarnessOptions {
  bus?: Bus;
  requestTimeoutMs?: number;
  maxBodyBytes?: number;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  /** Further `ingress` configuration keys (header limits, write timeout, session bounds). */
  config?: Record<string, unknown>;
  /** `redaction` configuration keys; `hashKey` defaults to {@link TEST_REDACTION_KEY}. */
  redaction?: Record<string, unknown>;
  ingress?: IngressOptions;
}

/** An ingress on 127.0.0.1:<random port> with an in-memory bus, a test router and a recorder of stored events. */
export interface Harness {
  ingress: RunningIngress;
  events: EventLog;
  metrics: Metrics;
  router: TestRouter;
  /** URL of the MCP endpoint. */
  url: string;
  /** Events stored on `sessions` and `requests`, in the order they were read. */
  recorded: SluiceEvent[];
  /** Resolves with the first recorded event matching `predicate` (waits up to 2 s). */
  waitFor<E extends SluiceEvent>(predicate: (event: SluiceEvent) => event is E): Promise<E>;
  stop(): Promise<void>;
}

/** Starts a harness; stop() stops the ingress, the router and the recorder. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const events = new EventLog(options.bus ?? new MemoryBus(), 'sluice.');
  await events.ensureTopics();
  const metrics = createMetrics();
  const config = parseConfig(
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      ingress: {
        nodeId: `test-${randomUUID().slice(0, 8)}`,
        requestTimeoutMs: options.requestTimeoutMs ?? 1000,
        maxBodyBytes: options.maxBodyBytes ?? 4096,
        allowedOrigins: options.allowedOrigins ?? [],
        allowedHosts: options.allowedHosts ?? [],
        ...options.config,
        // Tests open many sessions from one address; the creation rate is tested with its own setting.
        sessions: { createPerMinute: 1_000_000, ...(options.config?.['sessions'] as object | undefined) },
      },
      redaction: { hashKey: TEST_REDACTION_KEY, ...options.redaction },
    }),
    'ingress-test.yaml',
  );
  const router = await startTestRouter(events);
  const recorded: SluiceEvent[] = [];
  const recorder = await events.subscribe({ group: 'test-recorder', topics: ['sessions', 'requests'] }, async (batch) => {
    for (const { event } of batch) recorded.push(event);
  });
  const ingress = await startIngress({ config, events, logger: createLogger('silent'), metrics }, { drainMs: 200, ...options.ingress });
  const waitFor = async <E extends SluiceEvent>(predicate: (event: SluiceEvent) => event is E): Promise<E> => {
    const deadline = Date.now() + 2000;
    for (;;) {
      const found = recorded.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no recorded event matched');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    ingress,
    events,
    metrics,
    router,
    url: `http://127.0.0.1:${ingress.port}/mcp`,
    recorded,
    waitFor,
    stop: async () => {
      await ingress.stop();
      await router.stop();
      await recorder.stop();
      await events.bus.close();
    },
  };
}
