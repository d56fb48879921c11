import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, type BenchSettings } from '../settings.js';

const run = promisify(execFile);
const KAFKA_SH = join(ROOT, 'deploy/local/kafka.sh');

/** The local broker the Kafka scenario uses. */
export interface Broker {
  address: string;
  /** The broker's JVM, when it can be found (for its CPU and RSS); null otherwise. */
  pid: number | null;
  /** Kafka version, when known. */
  version: string | null;
  /** True when this run started it (and so stops it). */
  startedHere: boolean;
  /** How it runs, for the report. */
  note: string;
  stop(): Promise<void>;
}

/** True when a Kafka broker answers a metadata request at 127.0.0.1:port within `timeoutMs`. */
export async function brokerAnswers(port: number, timeoutMs = 3_000): Promise<boolean> {
  try {
    await run(process.execPath, [join(ROOT, 'deploy/local/kafka-ready.mjs'), `127.0.0.1:${port}`, String(timeoutMs)], { timeout: timeoutMs + 5_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The broker on 127.0.0.1:KAFKA_PORT: the one already answering (used as it is), or in full mode one started
 * with deploy/local/kafka.sh pinned to the CPUs under test, from empty data (and stopped again by `stop`). Null
 * when none answers and none may be started.
 */
export async function obtainBroker(settings: Readonly<BenchSettings>): Promise<Broker | null> {
  const port = settings.kafkaPort;
  const env = { ...process.env, KAFKA_PORT: String(port) };
  const address = `127.0.0.1:${port}`;
  if (await brokerAnswers(port)) {
    const pid = brokerPid(port);
    return { address, pid, version: kafkaVersion(pid), startedHere: false, note: 'already running (not pinned by this run)', stop: () => Promise.resolve() };
  }
  if (!settings.startBroker) return null;
  // A broker it starts begins empty: the topics tests and earlier runs left (thousands of partitions) keep an idle
  // broker busy on the core every target shares (S0 at 32 sessions ran at 3,948 calls/s beside such a broker,
  // 8,686 beside an empty one, minutes apart). kafka.sh keeps that local data only for local use.
  await run('bash', [KAFKA_SH, 'reset'], { env, timeout: 120_000 });
  await run('taskset', ['-c', settings.sutCpus, 'bash', KAFKA_SH, 'start'], { env, timeout: 600_000 });
  const pid = brokerPid(port);
  return {
    address,
    pid,
    version: kafkaVersion(pid),
    startedHere: true,
    note: `started by this run with deploy/local/kafka.sh from empty data, pinned to CPUs ${settings.sutCpus}`,
    async stop() {
      await run('bash', [KAFKA_SH, 'stop'], { env, timeout: 60_000 }).catch(() => undefined);
    },
  };
}

/** The JVM kafka.sh started on this port (its pid file), if it is still that process. */
export function brokerPid(port: number): number | null {
  try {
    const pid = Number(readFileSync(join(ROOT, '.cache/kafka', String(port), 'kafka.pid'), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') ? pid : null;
  } catch {
    return null;
  }
}

function kafkaVersion(pid: number | null): string | null {
  if (pid === null) return null;
  try {
    return /lib-([^/\0]+)\//.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}
