import { createRedactor, type Logger, type RunningService, type ServerConfig, type ServiceContext, type Subscription } from '@sluice/core';
import type { Backend } from './backends/backend.js';
import { createBackend } from './backends/create.js';
import type { BackoffOptions } from './backends/mcp-backend.js';
import { Semaphore } from './concurrency/semaphore.js';
import { createDecisionBatchHandler } from './decisions/handle-batch.js';
import { InFlightRequests } from './decisions/in-flight.js';
import { RouterError } from './errors.js';
import { ArgumentFirewall, type ServerArgumentRules } from './firewall/argument-firewall.js';
import { SchemaValidators } from './firewall/schema-validators.js';
import { ToolRegistry, type RegistryServerOptions } from './registry/registry.js';
import { SnapshotPublisher } from './registry/snapshot-publisher.js';

/** Consumer group of the routers on the `decisions` topic. */
export const ROUTER_GROUP = 'router';

/** Tuning and test seams of the router; every field has a default. */
export interface RouterOptions {
  /** Requests answered at once, across all partitions. Default 256. */
  maxInFlight?: number;
  /** How long `stop()` lets in-flight calls finish before aborting them. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /** Reconnection backoff of the backends. Default 250 ms doubling up to 10 s. */
  backoff?: BackoffOptions;
  /** Builds the backend of a configured server. Default: stdio or Streamable HTTP, as configured. */
  createBackend?: (name: string, config: ServerConfig, logger: Logger, backoff?: BackoffOptions) => Backend;
}

/**
 * Starts the router: connects every configured server and lists its tools, publishes the registry snapshot
 * (and again whenever a server goes up or down or changes its tools), then answers the `policy.decision`
 * events of the `decisions` topic with `backend.message` replies. Ready once the first snapshot is published
 * and the subscription is up; a server that is down does not hold readiness back.
 */
export async function startRouter(ctx: ServiceContext, options: RouterOptions = {}): Promise<RunningService> {
  const logger = ctx.logger.child({ role: 'router' });
  const build = options.createBackend ?? createBackend;
  const servers: Record<string, RegistryServerOptions> = {};
  const argumentRules: Record<string, ServerArgumentRules> = {};
  for (const [name, config] of Object.entries(ctx.config.servers)) {
    argumentRules[name] = config.arguments;
    servers[name] = { backend: build(name, config, logger, options.backoff), prefix: config.prefix, timeoutMs: config.timeoutMs, tenants: config.tenants, environments: config.environments };
  }
  const redactor = await createRedactor(ctx.config);
  const registry = new ToolRegistry(servers, logger);
  const validators = new SchemaValidators(logger, (server) => ctx.metrics.schemasUncompilable.inc({ server }));
  const firewall = new ArgumentFirewall(argumentRules, validators);
  const publisher = new SnapshotPublisher(ctx.events, () => registry.snapshot(), ctx.config.ingress.tenant, logger);
  const inFlight = new InFlightRequests();
  let subscription: Subscription | null = null;
  let stopping: Promise<void> | null = null;

  try {
    await registry.start();
    await publisher.publish();
    registry.onChange(() => {
      validators.retain(registry.callable());
      publisher.schedule();
    });
    const handler = createDecisionBatchHandler({
      registry,
      firewall,
      events: ctx.events,
      logger,
      inFlight,
      redactor,
      semaphore: new Semaphore(options.maxInFlight ?? 256),
    });
    subscription = await ctx.events.subscribe({ group: ROUTER_GROUP, topics: ['decisions'] }, handler);
  } catch (err) {
    await publisher.close();
    await registry.close();
    throw err;
  }
  logger.info({ servers: Object.keys(servers), tools: registry.listTools(null).length }, 'router started');

  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const stop = async (): Promise<void> => {
    const grace = setTimeout(() => {
      logger.warn({ inFlight: inFlight.size }, 'calls still running at the end of the drain timeout; aborting them');
      inFlight.abortAll(new RouterError('SLUICE_ROUTER_STOPPING', 'The router is stopping'));
    }, drainTimeoutMs);
    try {
      await subscription?.stop();
    } finally {
      clearTimeout(grace);
      await publisher.close();
      await registry.close();
      logger.info('router stopped');
    }
  };

  return {
    name: 'router',
    ready: () => stopping === null,
    stop: () => (stopping ??= stop()),
  };
}
