import type { SluiceConfig } from './config/types.js';
import type { EventLog } from './events/event-log.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

/** What every role is started with: the frozen config, the event log, a logger and the process metrics. */
export interface ServiceContext {
  config: SluiceConfig;
  events: EventLog;
  logger: Logger;
  metrics: Metrics;
}

/** A started role. */
export interface RunningService {
  readonly name: string;
  /** True while the role is able to serve. */
  ready(): boolean;
  /** Drains in-flight work and stops. */
  stop(): Promise<void>;
}
