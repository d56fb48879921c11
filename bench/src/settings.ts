import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCpuList } from './proc/proc-stat.js';

/** The repository root (bench/dist/.. /..). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Everything a bench run is told, validated once and frozen; nothing else reads argv or the environment. */
export interface BenchSettings {
  mode: 'full' | 'smoke';
  /** Run the matrix of scenarios. */
  matrix: boolean;
  /** Run the soak (S3 and S4 at a fixed rate, sampled over time; smoke: S3 only). */
  soak: boolean;
  soakSeconds: number;
  soakRate: number;
  soakSampleSeconds: number;
  rounds: number;
  /** Only these target ids (empty: all). */
  targets: readonly string[];
  /** Only these case ids (empty: all). */
  cases: readonly string[];
  /** Overrides the measured duration of every case. */
  durationS: number | null;
  /** Overrides the offered rate of every open-loop case. */
  rate: number | null;
  /** Include peer gateways. */
  peers: boolean;
  /** Where the report goes. */
  outDir: string;
  backendImpl: 'raw' | 'sdk';
  /** `jwt`: every Sluice target requires a bearer token (JWKS from a file), and the generator sends one. */
  auth: 'none' | 'jwt';
  /** CPUs (taskset list) for everything under test, and for the load generator. */
  sutCpus: string;
  loadCpus: string;
  /** Extra node flags for gateway processes (SLUICE_BENCH_NODE_ARGS), e.g. --cpu-prof --cpu-prof-dir=DIR. */
  gatewayNodeArgs: readonly string[];
  kafkaPort: number;
  /** Longest wait, before each case, for the target to get back to its idle CPU load (a backlog draining). */
  settleBudgetMs: number;
  /** Closed-loop load a target takes after it starts, before its first case, not recorded (0: none). */
  targetWarmupMs: number;
  /** Start a local broker when none answers (full mode). */
  startBroker: boolean;
  clockTicks: number;
}

/** The usage text. */
export const HELP = `usage: node bench/dist/main.js [options]
  --smoke               a few seconds of tiny load through every scenario; report to a temp dir
  --soak                only the soak (S3 and S4 at a fixed rate, RSS and audit lag every 10 s)
  --no-soak             only the matrix
  --rounds N            interleaved rounds (full: 2)
  --targets S0,S3       only these targets (ids as in the report)
  --cases ID,ID         only these cases (ids as in the report)
  --duration-s N        measured seconds of every case
  --target-warmup-s N   unrecorded load each target takes after it starts, before its first case (full: 10)
  --rate N              offered calls/s of every open-loop case
  --soak-s N, --soak-rate N, --soak-sample-s N
  --no-peers            leave out peer gateways
  --backend raw|sdk     neutral backend implementation (raw)
  --auth none|jwt       jwt: Sluice targets require a bearer JWT, one per session (none)
  --sut-cpus LIST, --load-cpus LIST   taskset CPU lists (0 and 1)
  --out DIR             report directory (bench/results; smoke: a temp dir)
environment: KAFKA_PORT (9092), SLUICE_BENCH_NODE_ARGS (node flags for gateway processes)`;

/** Parses the command line and environment; throws with the usage on anything invalid. */
export function parseSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Readonly<BenchSettings> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'no-soak': { type: 'boolean', default: false },
      'no-peers': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      targets: { type: 'string', default: '' },
      cases: { type: 'string', default: '' },
      'duration-s': { type: 'string' },
      'target-warmup-s': { type: 'string' },
      rate: { type: 'string' },
      'soak-s': { type: 'string' },
      'soak-rate': { type: 'string' },
      'soak-sample-s': { type: 'string' },
      backend: { type: 'string', default: 'raw' },
      auth: { type: 'string', default: 'none' },
      'sut-cpus': { type: 'string', default: '0' },
      'load-cpus': { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const smoke = values.smoke;
  const number = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}\n${HELP}`);
    return n;
  };
  const list = (raw: string): string[] => raw.split(',').map((s) => s.trim()).filter(Boolean);
  const cpuList = (name: 'sut-cpus' | 'load-cpus'): void => {
    try {
      parseCpuList(values[name]);
    } catch {
      throw new Error(`--${name} takes a taskset CPU list such as 0 or 0-2,4, not ${JSON.stringify(values[name])}\n${HELP}`);
    }
  };
  cpuList('sut-cpus');
  cpuList('load-cpus');
  if (values.backend !== 'raw' && values.backend !== 'sdk') throw new Error(`--backend must be raw or sdk\n${HELP}`);
  if (values.auth !== 'none' && values.auth !== 'jwt') throw new Error(`--auth must be none or jwt\n${HELP}`);
  if (values.soak && values['no-soak']) throw new Error(`--soak and --no-soak exclude each other\n${HELP}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = values.out ? resolve(values.out) : smoke ? join(tmpdir(), `sluice-bench-smoke-${stamp}-${process.pid}`) : join(ROOT, 'bench', 'results');
  return Object.freeze({
    mode: smoke ? 'smoke' : 'full',
    matrix: !values.soak,
    soak: values.soak || !values['no-soak'],
    soakSeconds: number('soak-s', values['soak-s'], smoke ? 2 : 300, 1),
    soakRate: number('soak-rate', values['soak-rate'], smoke ? 50 : 200, 1),
    soakSampleSeconds: number('soak-sample-s', values['soak-sample-s'], smoke ? 1 : 10, 1),
    rounds: number('rounds', values.rounds, smoke ? 1 : 2, 1),
    targets: Object.freeze(list(values.targets)),
    cases: Object.freeze(list(values.cases)),
    durationS: values['duration-s'] === undefined ? null : number('duration-s', values['duration-s'], 0, 0.1),
    rate: values.rate === undefined ? null : number('rate', values.rate, 0, 1),
    peers: !smoke && !values['no-peers'],
    outDir,
    backendImpl: values.backend,
    auth: values.auth,
    sutCpus: values['sut-cpus'],
    loadCpus: values['load-cpus'],
    gatewayNodeArgs: Object.freeze((env.SLUICE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)),
    kafkaPort: number('KAFKA_PORT', env.KAFKA_PORT, 9092, 1),
    startBroker: !smoke,
    settleBudgetMs: smoke ? 2_000 : 30_000,
    targetWarmupMs: number('target-warmup-s', values['target-warmup-s'], smoke ? 0.3 : 10, 0) * 1000,
    clockTicks: clockTicks(),
  });
}

/** Clock ticks per second, the unit of CPU times in /proc. */
export function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
