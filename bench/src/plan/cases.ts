import type { BenchSettings } from '../settings.js';

/** One load shape, run against every target it applies to. */
export interface CaseSpec {
  /** Stable id, e.g. `open500-s1-1k-d0`. */
  id: string;
  load: 'open' | 'closed' | 'churn';
  /** Offered calls per second (open loop only). */
  rate: number | null;
  /** Sessions (closed loop and churn: concurrent workers). */
  sessions: number;
  payloadBytes: number;
  /** Backend delay per call. */
  delayMs: number;
  warmupMs: number;
  durationMs: number;
  /** `core`: every target; `sweep`: the direct baseline and S3 only. */
  scope: 'core' | 'sweep';
}

/** The grid of a run. */
export interface CasePlan {
  cases: CaseSpec[];
  /** How the grid was chosen, for the report. */
  description: string[];
}

type Shape = Pick<CaseSpec, 'load' | 'rate' | 'sessions' | 'payloadBytes' | 'delayMs' | 'scope'>;

const KB = 1024;

/** 1 KB, no delay, on every target: latency at a fixed rate, throughput with 1 and 32 sessions, session churn. */
const CORE: Shape[] = [
  { load: 'open', rate: 500, sessions: 1, payloadBytes: KB, delayMs: 0, scope: 'core' },
  { load: 'open', rate: 500, sessions: 32, payloadBytes: KB, delayMs: 0, scope: 'core' },
  { load: 'closed', rate: null, sessions: 1, payloadBytes: KB, delayMs: 0, scope: 'core' },
  { load: 'closed', rate: null, sessions: 32, payloadBytes: KB, delayMs: 0, scope: 'core' },
  { load: 'churn', rate: null, sessions: 4, payloadBytes: KB, delayMs: 0, scope: 'core' },
];

/** Payload, delay and session sweeps, on the direct baseline and S3 only. */
const SWEEP: Shape[] = [
  { load: 'open', rate: 500, sessions: 1, payloadBytes: 128, delayMs: 0, scope: 'sweep' },
  { load: 'open', rate: 500, sessions: 1, payloadBytes: 16 * KB, delayMs: 0, scope: 'sweep' },
  { load: 'closed', rate: null, sessions: 32, payloadBytes: 128, delayMs: 0, scope: 'sweep' },
  { load: 'closed', rate: null, sessions: 32, payloadBytes: 16 * KB, delayMs: 0, scope: 'sweep' },
  { load: 'open', rate: 500, sessions: 1, payloadBytes: KB, delayMs: 20, scope: 'sweep' },
  { load: 'open', rate: 500, sessions: 32, payloadBytes: KB, delayMs: 20, scope: 'sweep' },
  { load: 'closed', rate: null, sessions: 32, payloadBytes: KB, delayMs: 20, scope: 'sweep' },
  { load: 'closed', rate: null, sessions: 128, payloadBytes: KB, delayMs: 0, scope: 'sweep' },
];

/** Tiny load, one of each kind of loop, so every code path runs in a few seconds. */
const SMOKE: Shape[] = [
  { load: 'open', rate: 50, sessions: 2, payloadBytes: KB, delayMs: 0, scope: 'core' },
  { load: 'closed', rate: null, sessions: 2, payloadBytes: 16 * KB, delayMs: 0, scope: 'core' },
  { load: 'churn', rate: null, sessions: 2, payloadBytes: 128, delayMs: 1, scope: 'core' },
];

/** The id of a case: load and rate, sessions, payload, delay. */
export function caseId(s: Shape): string {
  const size = s.payloadBytes >= KB ? `${s.payloadBytes / KB}k` : `${s.payloadBytes}b`;
  return `${s.load}${s.rate ?? ''}-s${s.sessions}-${size}-d${s.delayMs}`;
}

/** The cases of this run, after the --cases, --rate and --duration-s overrides. */
export function planCases(settings: Readonly<BenchSettings>): CasePlan {
  const smoke = settings.mode === 'smoke';
  const shapes = smoke ? SMOKE : [...CORE, ...SWEEP];
  const cases = shapes
    .map((shape): CaseSpec => {
      const s = { ...shape, rate: shape.rate === null ? null : (settings.rate ?? shape.rate) };
      const open = s.load === 'open';
      const durationMs = settings.durationS !== null ? settings.durationS * 1000 : smoke ? 600 : open ? 10_000 : 8_000;
      const warmupMs = smoke ? 200 : open ? 3_000 : 2_000;
      return { ...s, id: caseId(s), warmupMs, durationMs };
    })
    .filter((c) => settings.cases.length === 0 || settings.cases.includes(c.id));
  const description = smoke
    ? ['Smoke: one open-loop, one closed-loop and one churn case per target, under a second each; no control twin; the soak runs on S3 only, for 2 s.']
    : [
        'Core (every target): 1 KB echo, no backend delay; open loop at 500 calls/s with 1 and with 32 sessions; closed loop with 1 and 32 sessions; churn with 4 workers (initialize → call → DELETE).',
        'Sweeps (direct baseline S0 and S3 only): payload 128 B and 16 KB (open 500/s, 1 session; closed, 32 sessions); backend delay 20 ms (open 500/s with 1 and 32 sessions; closed, 32 sessions); closed loop with 128 sessions.',
        'Open-loop cases: 3 s warm-up, 10 s measured; closed-loop and churn: 2 s warm-up, 8 s measured (unless --duration-s).',
      ];
  return { cases, description };
}
