export { KafkaBus, createKafkaBus } from './kafka-bus.js';
export { BUS_BROKER_ERROR } from './kafka-errors.js';
export type { KafkaBusLogger, KafkaBusOptions, KafkaSocketFactory } from './options.js';
