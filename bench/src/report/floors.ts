import type { CaseSpec } from '../plan/cases.js';
import type { CaseSummary } from './aggregate.js';

/** One performance target, checked against this run. */
export interface FloorCheck {
  name: string;
  limit: string;
  measured: string;
  status: 'pass' | 'miss' | 'n/a';
  /** Which case it was read from, and anything that qualifies it. */
  note: string;
}

const KB = 1024;
const isLatencyCase = (c: CaseSpec): boolean => c.load === 'open' && c.sessions === 1 && c.payloadBytes === KB && c.delayMs === 0;
const isThroughputCase = (c: CaseSpec): boolean => c.load === 'closed' && c.sessions === 32 && c.payloadBytes === KB && c.delayMs === 0;

/** The performance targets, each with the measured value and pass/miss (n/a when the run lacks the data). */
export function checkFloors(rows: readonly CaseSummary[], cases: readonly CaseSpec[]): FloorCheck[] {
  const latency = cases.find(isLatencyCase);
  const throughput = cases.find(isThroughputCase);
  const row = (target: string, spec: CaseSpec | undefined): CaseSummary | undefined =>
    spec ? rows.find((r) => r.target === target && r.case === spec.id && r.ok + r.errors > 0) : undefined;
  const rateNote = (spec: CaseSpec | undefined): string =>
    spec ? `case ${spec.id}${spec.load === 'open' && spec.rate !== 500 ? ` (offered ${spec.rate}/s; the floor is stated at 500/s)` : ''}` : 'case not run';
  const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;
  const check = (
    name: string,
    limit: string,
    value: number | undefined,
    max: number,
    show: (v: number) => string,
    note: string,
    options: { atLeast?: boolean; from?: CaseSummary } = {},
  ): FloorCheck => {
    const from = options.from;
    // More than 1% failed calls is a miss whatever the answered ones show (all failing leaves no value at all).
    const failed = from && from.errors > 0.01 * (from.ok + from.errors) ? `${from.errors} of ${from.ok + from.errors} calls failed` : null;
    if (failed && (from?.ok ?? 0) === 0) return { name, limit, measured: failed, status: 'miss', note };
    if (value === undefined || !Number.isFinite(value)) return { name, limit, measured: '—', status: 'n/a', note };
    const ok = !failed && (options.atLeast ? value >= max : value <= max);
    return { name, limit, measured: show(value) + (failed ? ` (${failed})` : ''), status: ok ? 'pass' : 'miss', note };
  };
  const s3 = row('S3', latency);
  const s4 = row('S4', latency);
  const s3throughput = row('S3', throughput);
  // CPU per call comes from the latency case, or from the throughput case when no call was answered there.
  const answered = (target: string, spec: CaseSpec | undefined): CaseSummary | undefined => {
    const r = row(target, spec);
    return r && r.ok > 0 ? r : undefined;
  };
  // Preferably where both answered nearly every call: an overloaded target's CPU per answered call also counts the
  // work spent on the calls that timed out.
  const clean = (target: string, spec: CaseSpec | undefined): boolean => {
    const r = answered(target, spec);
    return r !== undefined && r.errors <= 0.01 * (r.ok + r.errors);
  };
  const candidates = [latency, throughput];
  const cpuCase =
    candidates.find((c) => clean('S3', c) && clean('S4', c)) ??
    candidates.find((c) => answered('S3', c) && answered('S4', c)) ??
    candidates.find((c) => answered('S3', c));
  const s3cpu = answered('S3', cpuCase)?.cpuUsPerOp.target;
  const s4row = answered('S4', cpuCase);
  const s4cpu = s4row?.cpuUsPerOp.target;
  return [
    check('S3 added latency p50 vs S0', '≤ 0.5 ms', s3?.addedUs?.p50, 500, ms, rateNote(latency), { from: s3 }),
    check('S3 added latency p99 vs S0', '≤ 2 ms', s3?.addedUs?.p99, 2000, ms, rateNote(latency), { from: s3 }),
    check('S3 throughput, 32 sessions, vs S0', '≥ 0.5× S0', s3throughput?.throughputRatio ?? undefined, 0.5, (v) => `${v.toFixed(2)}×`, throughput ? `case ${throughput.id}` : 'case not run', {
      atLeast: true,
      from: s3throughput,
    }),
    check('S3 gateway CPU per call', '≤ 150 µs', s3cpu, 150, (v) => `${v.toFixed(0)} µs`, rateNote(cpuCase)),
    check(
      'S4 gateway CPU per call (four roles, broker apart)',
      '≤ 2× S3',
      s4cpu !== undefined && s3cpu ? s4cpu / s3cpu : undefined,
      2,
      (v) => `${v.toFixed(2)}× (${s4cpu?.toFixed(0)} µs vs ${s3cpu?.toFixed(0)} µs; broker ${s4row?.cpuUsPerOp.broker?.toFixed(0) ?? '?'} µs)`,
      rateNote(cpuCase),
    ),
    check('S4 added latency p50 vs S0', '≤ 10 ms', s4?.addedUs?.p50, 10_000, ms, rateNote(latency), { from: s4 }),
    check('S4 added latency p99 vs S0', '≤ 30 ms', s4?.addedUs?.p99, 30_000, ms, rateNote(latency), { from: s4 }),
  ];
}
