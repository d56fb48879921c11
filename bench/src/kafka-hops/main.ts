#!/usr/bin/env node
/**
 * Latency of the Kafka bus itself, hop by hop, without the gateway around it: produce acknowledgement, produce
 * to handler over one hop, a chain of four hops (a tool call's path in Kafka mode, each stage in a worker thread
 * of its own), and what idle subscriptions cost; CPU per message of this process and of the broker (when
 * deploy/local/kafka.sh started it). Needs a broker on 127.0.0.1:$KAFKA_PORT (`bash deploy/local/kafka.sh
 * start`); each run makes fresh topics named kafka-hops-<run>-* (`kafka.sh reset` clears them). The warm-up is
 * long because the JIT compiles the client's hot paths, in every thread, during the first several hundred
 * messages, which would otherwise count as CPU per message. See `--help` and bench/README.md.
 */
import { parseArgs } from 'node:util';
import { treeCpuSeconds } from '../proc/proc-stat.js';
import { clockTicks } from '../settings.js';
import { brokerPid } from '../targets/kafka-broker.js';
import { runHopExperiments } from './experiments.js';
import { EXPERIMENTS, type Experiment, type HopsSettings } from './hops-settings.js';
import { formatIdle, runIdleExperiment } from './idle.js';
import { formatTable } from './stats.js';

const HELP = `usage: node bench/dist/kafka-hops/main.js [options]
  --count N         measured messages per experiment (500)
  --warmup N        messages sent first and not measured (1000)
  --partitions N    partitions of each topic (12, as the gateway's)
  --keys N          distinct record keys, like sessions (1)
  --bytes N         bytes of each record value (1024)
  --rate N          chain at N messages/s, open loop (0: one at a time)
  --only LIST       some of: ack,hop,chain,idle (all)
  --idle-subs N     idle: subscriptions, each on its own bus (5, about the gateway's)
  --idle-s N        idle: seconds measured (3)
  --max-wait-ms N   the bus's maxWaitMs (its default when left out)
  --commit-interval-ms N   the bus's commitIntervalMs (its default when left out)
environment: KAFKA_PORT (9092)`;

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '12' },
    keys: { type: 'string', default: '1' },
    bytes: { type: 'string', default: '1024' },
    rate: { type: 'string', default: '0' },
    only: { type: 'string', default: EXPERIMENTS.join(',') },
    'idle-subs': { type: 'string', default: '5' },
    'idle-s': { type: 'string', default: '3' },
    'max-wait-ms': { type: 'string' },
    'commit-interval-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const whole = (name: string, text: string, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`kafka-hops: ${name} must be an integer >= ${min}\n`);
    process.exit(2);
  }
  return n;
};

const only = values.only.split(',').filter((name) => name !== '');
const unknown = only.filter((name) => !(EXPERIMENTS as readonly string[]).includes(name));
if (unknown.length > 0 || only.length === 0) {
  process.stderr.write(`kafka-hops: --only takes some of ${EXPERIMENTS.join(',')}\n`);
  process.exit(2);
}

const port = whole('KAFKA_PORT', process.env.KAFKA_PORT ?? '9092', 1);
// The broker's CPU is read from /proc when it is the one deploy/local/kafka.sh started on this port.
const broker = brokerPid(port);
const ticks = clockTicks();
const brokerCpuMicros = (): number => (broker === null ? Number.NaN : treeCpuSeconds([broker], ticks) * 1e6);

const settings: HopsSettings = {
  brokers: [`127.0.0.1:${port}`],
  count: whole('--count', values.count, 1),
  warmup: whole('--warmup', values.warmup, 0),
  partitions: whole('--partitions', values.partitions, 1),
  keys: whole('--keys', values.keys, 1),
  valueBytes: whole('--bytes', values.bytes, 12),
  rate: whole('--rate', values.rate, 0),
  only: new Set(only as Experiment[]),
  idleSubscriptions: whole('--idle-subs', values['idle-subs'], 1),
  idleSeconds: whole('--idle-s', values['idle-s'], 1),
  brokerCpuMicros,
  bus: {
    ...(values['max-wait-ms'] === undefined ? {} : { maxWaitMs: whole('--max-wait-ms', values['max-wait-ms'], 1) }),
    ...(values['commit-interval-ms'] === undefined ? {} : { commitIntervalMs: whole('--commit-interval-ms', values['commit-interval-ms'], 0) }),
  },
};

const results = await runHopExperiments(settings);
if (results.length > 0) process.stdout.write(`${formatTable(results)}\n`);
if (settings.only.has('idle')) process.stdout.write(`${formatIdle(await runIdleExperiment(settings))}\n`);
