import { randomUUID } from 'node:crypto';
import { createKafkaBus, type KafkaBus, type KafkaBusOptions } from '../../../src/bus/kafka/index.js';

/** The local test broker (`bash deploy/local/kafka.sh start`). */
export const brokers = [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`];

/** A bus on the test broker with a fresh client id. */
export function testKafkaBus(options: Partial<KafkaBusOptions> = {}): KafkaBus {
  return createKafkaBus({ brokers, clientId: `sluice-test-${randomUUID().slice(0, 8)}`, ...options });
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
