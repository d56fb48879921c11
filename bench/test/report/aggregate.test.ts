import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../../src/load/histogram.js';
import type { LoadResult } from '../../src/load/job.js';
import type { CaseSpec } from '../../src/plan/cases.js';
import { summarize } from '../../src/report/aggregate.js';
import { checkFloors } from '../../src/report/floors.js';
import type { CaseRun } from '../../src/run/case-run.js';
import { ROOT } from '../../src/settings.js';

const spec = (id: string, load: CaseSpec['load'], sessions: number): CaseSpec => ({
  id,
  load,
  rate: load === 'open' ? 500 : null,
  sessions,
  payloadBytes: 1024,
  delayMs: 0,
  warmupMs: 0,
  durationMs: 10_000,
  scope: 'core',
});
const CASES = [spec('open', 'open', 1), spec('closed', 'closed', 32)];

/** A run whose latencies are all `latencyUs` and whose gateway spent `cpuUs` per call. */
function run(target: string, caseId: string, round: number, rate: number, latencyUs: number, cpuUs: number, steal = 0.01): CaseRun {
  const histogram = newHistogram();
  const ok = rate * 10;
  histogram.recordValueWithCount(latencyUs, ok);
  const result: LoadResult = {
    kind: caseId === 'open' ? 'open' : 'closed',
    offeredRate: null,
    achievedRate: rate,
    attempted: ok,
    ok,
    errors: 0,
    errorSamples: [],
    windowSeconds: 10,
    latencyUs: { p50: latencyUs, p90: latencyUs, p99: latencyUs, p999: latencyUs, max: latencyUs, mean: latencyUs },
    histogram: encodeHistogram(histogram),
    sendLagUs: null,
    usage: { target: { cpuSeconds: (cpuUs * ok) / 1e6, maxRssBytes: 2 ** 20, peakRssBytes: 2 ** 21 } },
    loadgenCpuSeconds: 1,
    sutCpus: { busy: 0.5, steal },
  };
  return { round, target, case: caseId, at: '', result, error: null, backendCalls: ok };
}

describe('summary and floors', () => {
  const runs = [
    run('S0', 'open', 1, 500, 1000, 0),
    run('S0', 'open', 2, 500, 1000, 0),
    run('S3', 'open', 1, 500, 1300, 100),
    run('S3', 'open', 2, 500, 1500, 140, 0.08),
    run('S0', 'closed', 1, 10_000, 3000, 0),
    run('S3', 'closed', 1, 4_000, 8000, 200),
    { round: 2, target: 'S3', case: 'closed', at: '', result: null, error: 'did not start: boom', backendCalls: null },
  ];

  it('pools rounds and quotes each target against S0 of the same case', () => {
    const rows = summarize(runs, CASES);
    const s3open = rows.find((r) => r.target === 'S3' && r.case === 'open')!;
    expect(s3open.rounds).toBe(2);
    expect(s3open.achievedPerRound).toEqual([500, 500]);
    expect(s3open.latencyUs.p50).toBeGreaterThanOrEqual(1299);
    expect(s3open.latencyUs.p50).toBeLessThanOrEqual(1301);
    expect(s3open.addedUs!.p50).toBeCloseTo(300, -1);
    expect(s3open.cpuUsPerOp.target).toBeCloseTo(120, 5);
    // The worst round's steal is the one that may have set the pooled tail.
    expect(s3open.sutCpus).toEqual({ busy: 0.5, steal: 0.08 });
    const s3closed = rows.find((r) => r.target === 'S3' && r.case === 'closed')!;
    expect(s3closed.failedRounds).toBe(1);
    expect(s3closed.failures[0]).toMatch(/boom/);
    expect(s3closed.throughputRatio).toBeCloseTo(0.4, 5);
    expect(rows.find((r) => r.target === 'S0' && r.case === 'open')!.addedUs).toBeNull();
  });

  it("keeps this machine's paths out of a failure, also one cut short", () => {
    const long = `boom\n${'    at x (file://' + ROOT + 'bench/dist/load/sessions.js:1:1)\n'.repeat(20)}`;
    const failed: CaseRun = { round: 1, target: 'S3', case: 'open', at: '', result: null, error: long, backendCalls: null };
    const row = summarize([...runs, failed], CASES).find((r) => r.target === 'S3' && r.case === 'open')!;
    expect(row.failures[0]).toMatch(/^round 1: boom/);
    expect(row.failures[0]).toContain('bench/dist/load/sessions.js');
    expect(row.failures[0]).not.toContain('file://');
    expect(row.failures[0]).not.toContain(ROOT.slice(0, 5));
  });

  it('checks each floor, and says n/a where the run lacks the data', () => {
    const floors = checkFloors(summarize(runs, CASES), CASES);
    const byName = Object.fromEntries(floors.map((f) => [f.name, f]));
    expect(byName['S3 added latency p50 vs S0']).toMatchObject({ status: 'pass', measured: '0.30 ms' });
    expect(byName['S3 added latency p99 vs S0']!.status).toBe('pass');
    expect(byName['S3 throughput, 32 sessions, vs S0']).toMatchObject({ status: 'miss', measured: '0.40×' });
    expect(byName['S3 gateway CPU per call']).toMatchObject({ status: 'pass', measured: '120 µs' });
    expect(byName['S4 added latency p50 vs S0']!.status).toBe('n/a');
  });

  it("shows the bare forwarder's reading beside each target, and marks a limit the forwarder itself misses", () => {
    const withFloor = [
      ...runs,
      run('F0', 'open', 1, 500, 1600, 490),
      run('F0', 'closed', 1, 3_500, 5000, 190),
      run('S0-control', 'open', 1, 500, 4000, 0),
    ];
    const byName = Object.fromEntries(checkFloors(summarize(withFloor, CASES), CASES).map((f) => [f.name, f]));
    // F0 adds 0.60 ms at p50 and p99: over the p50 limit, under the p99 one; S0-control is 3 ms off S0 at p99.
    expect(byName['S3 added latency p50 vs S0']).toMatchObject({ floorHere: 'F0 0.60 ms', belowFloor: true, status: 'pass' });
    expect(byName['S3 added latency p99 vs S0']).toMatchObject({ floorHere: 'F0 0.60 ms; S0-control +3.00 ms', belowFloor: false });
    expect(byName['S3 throughput, 32 sessions, vs S0']).toMatchObject({ floorHere: 'F0 0.35×', belowFloor: true, status: 'miss' });
    expect(byName['S3 gateway CPU per call']).toMatchObject({ floorHere: 'F0 490 µs', belowFloor: true });
    expect(byName['S4 added latency p50 vs S0']).toMatchObject({ floorHere: '—', belowFloor: false });
    // Without F0 in the run there is no floor to show.
    const bare = Object.fromEntries(checkFloors(summarize(runs, CASES), CASES).map((f) => [f.name, f]));
    expect(bare['S3 gateway CPU per call']).toMatchObject({ floorHere: '—', belowFloor: false });
    // A forwarder that failed its calls gives no floor either.
    const failing = run('F0', 'closed', 1, 3_500, 5000, 190);
    failing.result = { ...failing.result!, errors: 3000, attempted: failing.result!.ok + 3000 };
    const failed = Object.fromEntries(checkFloors(summarize([...runs, failing], CASES), CASES).map((f) => [f.name, f]));
    expect(failed['S3 throughput, 32 sessions, vs S0']).toMatchObject({ floorHere: '—', belowFloor: false });
  });

  it('misses a latency floor when the calls failed, and takes CPU from the throughput case then', () => {
    const failed = run('S4', 'open', 1, 0, 1, 0);
    failed.result = { ...failed.result!, ok: 0, errors: 5000, attempted: 5000 };
    const floors = checkFloors(summarize([...runs, failed, run('S4', 'closed', 1, 1000, 9000, 300)], CASES), CASES);
    const byName = Object.fromEntries(floors.map((f) => [f.name, f]));
    expect(byName['S4 added latency p50 vs S0']).toMatchObject({ status: 'miss', measured: '5000 of 5000 calls failed' });
    expect(byName['S4 gateway CPU per call (four roles, broker apart)']).toMatchObject({ status: 'pass', note: 'case closed' });
    expect(byName['S4 gateway CPU per call (four roles, broker apart)']!.measured).toMatch(/^1\.50×/);
  });

  it('reads CPU per call from the throughput case when a target failed more than 1% of the latency case\'s calls', () => {
    const overloaded = run('S4', 'open', 1, 300, 9_000_000, 900);
    overloaded.result = { ...overloaded.result!, errors: 2000, attempted: overloaded.result!.ok + 2000 };
    const floors = checkFloors(summarize([...runs, overloaded, run('S4', 'closed', 1, 1000, 9000, 300)], CASES), CASES);
    const cpu = floors.find((f) => f.name === 'S4 gateway CPU per call (four roles, broker apart)')!;
    expect(cpu).toMatchObject({ status: 'pass', note: 'case closed' });
    expect(cpu.measured).toMatch(/^1\.50×/);
    // With both clean in the latency case, that case is used.
    const clean = checkFloors(summarize([...runs, run('S4', 'open', 1, 500, 9000, 300), run('S4', 'closed', 1, 1000, 9000, 300)], CASES), CASES);
    expect(clean.find((f) => f.name === 'S4 gateway CPU per call (four roles, broker apart)')).toMatchObject({ note: 'case open' });
  });
});
