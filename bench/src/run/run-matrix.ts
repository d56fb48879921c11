import type { CaseSpec } from '../plan/cases.js';
import type { PlannedTarget } from '../plan/targets.js';
import type { BenchSettings } from '../settings.js';
import type { BackendProcess } from './backend-process.js';
import { runCase, warmUp, type CaseRun } from './case-run.js';
import { freePort } from './managed-process.js';
import { onCleanup } from './cleanup.js';
import { pinTrees } from './pin.js';
import { cpuLoad } from './quiet.js';

/** What the matrix produced: every case run, and how each target described itself when it ran. */
export interface MatrixOutcome {
  runs: CaseRun[];
  described: Record<string, Record<string, string>>;
}

/** The cases a target runs: the core ones, plus the sweeps for the baseline and S3. */
export function casesFor(target: PlannedTarget, cases: readonly CaseSpec[]): CaseSpec[] {
  return cases.filter((c) => c.scope === 'core' || target.sweeps);
}

/**
 * Interleaved rounds: each round starts every target in turn, warms it up (`warmUp`), runs its cases, and stops it,
 * so only one system under test runs at a time and drift over the run hits every target alike. A target that fails
 * to start gets its cases recorded as failed for that round.
 */
export async function runMatrix(
  settings: Readonly<BenchSettings>,
  targets: readonly PlannedTarget[],
  cases: readonly CaseSpec[],
  backend: BackendProcess,
  log: (line: string) => void,
): Promise<MatrixOutcome> {
  const runs: CaseRun[] = [];
  const described: Record<string, Record<string, string>> = {};
  for (let round = 1; round <= settings.rounds; round++) {
    for (const planned of targets) {
      const mine = casesFor(planned, cases);
      if (mine.length === 0) continue;
      log(`round ${round}/${settings.rounds}: ${planned.id} (${mine.length} cases)`);
      let running;
      try {
        running = await planned.target.start(backend.endpoint, await freePort());
      } catch (err) {
        const error = `did not start: ${err instanceof Error ? err.message : String(err)}`;
        log(`  ${planned.id} ${error.slice(0, 500)}`);
        for (const spec of mine) runs.push({ round, target: planned.id, case: spec.id, at: new Date().toISOString(), result: null, error, backendCalls: null });
        continue;
      }
      described[planned.id] = running.describe;
      const forget = onCleanup(() => running.stop());
      try {
        await pinTrees(running.pids, settings.sutCpus);
        const idleCores = await cpuLoad([...running.pids, backend.pid], settings.clockTicks, settings.mode === 'smoke' ? 200 : 1_000);
        if (settings.targetWarmupMs > 0) {
          const failed = await warmUp(settings, running, backend);
          if (failed) log(`  warm-up failed: ${failed.slice(0, 300)}`);
        }
        for (const spec of mine) {
          const run = await runCase(settings, round, planned.id, spec, running, backend, idleCores);
          runs.push(run);
          log(`  ${spec.id}: ${summary(run)}`);
        }
      } finally {
        forget();
        await running.stop();
      }
    }
  }
  return { runs, described };
}

function summary(run: CaseRun): string {
  const r = run.result;
  if (!r) return `FAILED ${run.error?.slice(0, 300) ?? ''}`;
  const ms = (us: number): string => (us / 1000).toFixed(2);
  return `${r.achievedRate.toFixed(0)}/s ok=${r.ok} err=${r.errors} p50=${ms(r.latencyUs.p50)}ms p99=${ms(r.latencyUs.p99)}ms`;
}
