import { mergeHistograms, percentiles } from '../load/histogram.js';
import type { Percentiles } from '../load/job.js';
import type { CaseSpec } from '../plan/cases.js';
import { BASELINE } from '../plan/targets.js';
import type { CaseRun } from '../run/case-run.js';
import { withoutLocalPaths } from './local-paths.js';

/** Every round of one target in one case, pooled. */
export interface CaseSummary {
  target: string;
  case: string;
  rounds: number;
  failedRounds: number;
  /** Why rounds failed. */
  failures: string[];
  offeredRate: number | null;
  /** Mean of the rounds' achieved rates, and each round's. */
  achievedRate: number;
  achievedPerRound: number[];
  ok: number;
  errors: number;
  errorSamples: string[];
  /** Percentiles of the pooled latency histogram of all rounds, microseconds. */
  latencyUs: Percentiles;
  /** Worst round's send lag (open loop), microseconds. */
  sendLagP99Us: number | null;
  /** This target's latency minus the baseline's (same case, same run), microseconds. */
  addedUs: { p50: number; p99: number } | null;
  /** Achieved rate over the baseline's (closed loop and churn). */
  throughputRatio: number | null;
  /** CPU microseconds per successful operation, by process group (target, backend, broker, …) and the generator. */
  cpuUsPerOp: Record<string, number>;
  /** The generator's CPU as a share of one core over the window (worst round). */
  loadgenCoreShare: number;
  /**
   * How busy the CPUs under test were, and the share of their time the hypervisor took (steal), over the rounds'
   * windows (worst round of each); null when no round measured them.
   */
  sutCpus: { busy: number; steal: number } | null;
  /** Largest peak RSS over the rounds, by process group, in MiB. */
  peakRssMiB: Record<string, number>;
  backendCalls: number;
}

/** Pools the rounds of each (target, case), then quotes every target against the baseline of the same case. */
export function summarize(runs: readonly CaseRun[], cases: readonly CaseSpec[]): CaseSummary[] {
  const keys = [...new Set(runs.map((r) => `${r.target}\u0000${r.case}`))];
  const rows = keys.map((key) => {
    const [target = '', caseId = ''] = key.split('\u0000');
    return pool(target, caseId, runs.filter((r) => r.target === target && r.case === caseId), cases.find((c) => c.id === caseId));
  });
  for (const row of rows) {
    const base = rows.find((r) => r.target === BASELINE && r.case === row.case);
    if (!base || row === base || base.ok === 0 || row.ok === 0) continue;
    row.addedUs = { p50: row.latencyUs.p50 - base.latencyUs.p50, p99: row.latencyUs.p99 - base.latencyUs.p99 };
    const spec = cases.find((c) => c.id === row.case);
    if (spec && spec.load !== 'open' && base.achievedRate > 0) row.throughputRatio = row.achievedRate / base.achievedRate;
  }
  return rows;
}

function pool(target: string, caseId: string, runs: readonly CaseRun[], spec: CaseSpec | undefined): CaseSummary {
  const done = runs.flatMap((r) => (r.result ? [r.result] : []));
  const ok = done.reduce((n, r) => n + r.ok, 0);
  const cpu: Record<string, number> = {};
  const rss: Record<string, number> = {};
  for (const r of done) {
    for (const [group, usage] of Object.entries(r.usage)) {
      // null in JSON (a CPU reading that could not be made) spoils the group's sum: shown as unknown.
      cpu[group] = (cpu[group] ?? 0) + (usage.cpuSeconds ?? Number.NaN);
      rss[group] = Math.max(rss[group] ?? 0, Math.max(usage.peakRssBytes, usage.maxRssBytes) / 2 ** 20);
    }
    cpu.loadgen = (cpu.loadgen ?? 0) + r.loadgenCpuSeconds;
  }
  const lags = done.flatMap((r) => (r.sendLagUs ? [r.sendLagUs.p99] : []));
  return {
    target,
    case: caseId,
    rounds: runs.length,
    failedRounds: runs.length - done.length,
    failures: runs.flatMap((r) => (r.error ? [`round ${r.round}: ${withoutLocalPaths(r.error).slice(0, 400)}`] : [])),
    offeredRate: spec?.rate ?? null,
    achievedRate: done.length ? done.reduce((n, r) => n + r.achievedRate, 0) / done.length : 0,
    achievedPerRound: done.map((r) => r.achievedRate),
    ok,
    errors: done.reduce((n, r) => n + r.errors, 0),
    errorSamples: [...new Set(done.flatMap((r) => r.errorSamples))].slice(0, 5),
    latencyUs: percentiles(mergeHistograms(done.map((r) => r.histogram))),
    sendLagP99Us: lags.length ? Math.max(...lags) : null,
    addedUs: null,
    throughputRatio: null,
    cpuUsPerOp: Object.fromEntries(Object.entries(cpu).map(([g, s]) => [g, ok > 0 ? (s / ok) * 1e6 : 0])),
    loadgenCoreShare: Math.max(0, ...done.map((r) => r.loadgenCpuSeconds / r.windowSeconds)),
    sutCpus: worstShares(done.flatMap((r) => (r.sutCpus ? [r.sutCpus] : []))),
    peakRssMiB: rss,
    backendCalls: runs.reduce((n, r) => n + (r.backendCalls ?? 0), 0),
  };
}

/** The largest busy and steal shares of the rounds (older reports have none: null). */
function worstShares(shares: ReadonlyArray<{ busy: number; steal: number }>): { busy: number; steal: number } | null {
  if (shares.length === 0) return null;
  return { busy: Math.max(...shares.map((s) => s.busy)), steal: Math.max(...shares.map((s) => s.steal)) };
}
