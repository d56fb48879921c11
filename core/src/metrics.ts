import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TalliedCounter } from './tallied-counter.js';

export { Registry } from 'prom-client';

/** The metrics every role records, on one registry per process. */
export interface Metrics {
  registry: Registry;
  eventsProduced: TalliedCounter<'topic'>;
  eventsConsumed: TalliedCounter<'topic' | 'group'>;
  deadLettered: Counter<'topic'>;
  requests: TalliedCounter<'method' | 'outcome'>;
  requestSeconds: Histogram<'method'>;
  /** Tool input schemas the router could not compile (their calls go unvalidated), by server. */
  schemasUncompilable: Counter<'server'>;
}

/** Creates the process registry with Node's default metrics and Sluice's own. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  return {
    registry,
    eventsProduced: new TalliedCounter({ name: 'sluice_events_produced_total', help: 'Events appended to the bus', labelNames: ['topic'], registers: [registry] }),
    eventsConsumed: new TalliedCounter({ name: 'sluice_events_consumed_total', help: 'Events handled from the bus', labelNames: ['topic', 'group'], registers: [registry] }),
    deadLettered: new Counter({ name: 'sluice_dead_lettered_total', help: 'Undecodable records moved to the dead-letter topic', labelNames: ['topic'], registers: [registry] }),
    requests: new TalliedCounter({ name: 'sluice_requests_total', help: 'Client requests answered, by outcome', labelNames: ['method', 'outcome'], registers: [registry] }),
    requestSeconds: new Histogram({
      name: 'sluice_request_seconds',
      help: 'Time from a client request to its answer at the ingress',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    schemasUncompilable: new Counter({
      name: 'sluice_router_schemas_uncompilable_total',
      help: "Tool input schemas that did not compile; their tools' calls are not validated",
      labelNames: ['server'],
      registers: [registry],
    }),
  };
}
