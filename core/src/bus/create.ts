import type { BusConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { createKafkaBus } from './kafka/index.js';
import { MemoryBus } from './memory-bus.js';
import type { Bus } from './types.js';

/** The bus the configuration asks for. */
export function createBus(config: BusConfig, logger: Logger): Bus {
  if (config.kind === 'memory') return new MemoryBus();
  return createKafkaBus({
    brokers: config.brokers,
    clientId: config.clientId,
    maxWaitMs: config.maxWaitMs,
    commitIntervalMs: config.commitIntervalMs,
    logger: (level, message, extra) => logger[level]({ ...extra, component: 'kafka' }, message),
  });
}

/** The topic prefix the configuration asks for (the in-memory bus uses the default). */
export function topicPrefix(config: BusConfig): string {
  return config.kind === 'kafka' ? config.topicPrefix : 'sluice.';
}
