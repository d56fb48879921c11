import type { CaseSpec } from '../plan/cases.js';
import { CONTROL, FLOOR } from '../plan/targets.js';
import type { CaseSummary } from './aggregate.js';
import { signedMs } from './format.js';

/** One performance target, checked against this run. */
export interface FloorCheck {
  name: string;
  limit: string;
  measured: string;
  status: 'pass' | 'miss' | 'n/a';
  /** Which case it was read from, and anything that qualifies it. */
  note: string;
  /**
   * What the same reading gives for the bare forwarder (F0) in the same case and run: the floor of any Node.js
   * gateway on this machine; with the direct call measured twice (S0-control) for the p99. '—' when not measured.
   */
  floorHere: string;
  /** True when the bare forwarder itself misses the limit: the limit is below what this machine allows. */
  belowFloor: boolean;
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
    options: { atLeast?: boolean; from?: CaseSummary; floor?: number | undefined; noise?: string } = {},
  ): FloorCheck => {
    const from = options.from;
    const meets = (v: number): boolean => (options.atLeast ? v >= max : v <= max);
    const floor = options.floor !== undefined && Number.isFinite(options.floor) ? options.floor : undefined;
    const floorHere = [floor === undefined ? null : `F0 ${show(floor)}`, options.noise ?? null].filter((x) => x !== null).join('; ') || '—';
    const belowFloor = floor !== undefined && !meets(floor);
    const base = { name, limit, note, floorHere, belowFloor };
    // More than 1% failed calls is a miss whatever the answered ones show (all failing leaves no value at all).
    const failed = from && from.errors > 0.01 * (from.ok + from.errors) ? `${from.errors} of ${from.ok + from.errors} calls failed` : null;
    if (failed && (from?.ok ?? 0) === 0) return { ...base, measured: failed, status: 'miss' };
    if (value === undefined || !Number.isFinite(value)) return { ...base, measured: '—', status: 'n/a' };
    const ok = !failed && meets(value);
    return { ...base, measured: show(value) + (failed ? ` (${failed})` : ''), status: ok ? 'pass' : 'miss' };
  };
  const s3 = row('S3', latency);
  const control = row(CONTROL, latency);
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
  // The floor counts only where the forwarder answered nearly every call, as a target's reading does.
  const floorOf = (spec: CaseSpec | undefined, read: (r: CaseSummary) => number | null | undefined): number | undefined =>
    clean(FLOOR, spec) ? (read(row(FLOOR, spec)!) ?? undefined) : undefined;
  const noise = control?.addedUs && control.ok > 0 ? `S0-control ${signedMs(control.addedUs.p99)} ms` : undefined;
  return [
    check('S3 added latency p50 vs S0', '≤ 0.5 ms', s3?.addedUs?.p50, 500, ms, rateNote(latency), { from: s3, floor: floorOf(latency, (r) => r.addedUs?.p50) }),
    check('S3 added latency p99 vs S0', '≤ 2 ms', s3?.addedUs?.p99, 2000, ms, rateNote(latency), {
      from: s3,
      floor: floorOf(latency, (r) => r.addedUs?.p99),
      ...(noise ? { noise } : {}),
    }),
    check('S3 throughput, 32 sessions, vs S0', '≥ 0.5× S0', s3throughput?.throughputRatio ?? undefined, 0.5, (v) => `${v.toFixed(2)}×`, throughput ? `case ${throughput.id}` : 'case not run', {
      atLeast: true,
      from: s3throughput,
      floor: floorOf(throughput, (r) => r.throughputRatio),
    }),
    check('S3 gateway CPU per call', '≤ 150 µs', s3cpu, 150, (v) => `${v.toFixed(0)} µs`, rateNote(cpuCase), {
      floor: floorOf(cpuCase, (r) => r.cpuUsPerOp.target),
    }),
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
