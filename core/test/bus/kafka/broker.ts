import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { createKafkaBus, type KafkaBus, type KafkaBusOptions } from '../../../src/bus/kafka/index.js';

const port = Number(process.env.KAFKA_PORT ?? '9092');

/** The local test broker (`bash deploy/local/kafka.sh start`). */
export const brokers = [`127.0.0.1:${port}`];

/** Fails at once, with what to do, when nothing listens on the broker port (instead of every test timing out). */
export async function assertBrokerListening(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000, () => socket.destroy(new Error('timed out')));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error) =>
      reject(new Error(`no Kafka broker on 127.0.0.1:${port} (${error.message}); start one with: bash deploy/local/kafka.sh start`)),
    );
  });
}

/** A bus on the test broker with a fresh client id. */
export function testKafkaBus(options: Partial<KafkaBusOptions> = {}): KafkaBus {
  return createKafkaBus({ brokers, clientId: `sluice-test-${randomUUID().slice(0, 8)}`, ...options });
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
