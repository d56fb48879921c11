import type { LoadJob, LoadResult } from '../load/job.js';
import type { CaseSpec } from '../plan/cases.js';
import type { BenchSettings } from '../settings.js';
import type { RunningTarget } from '../targets/target.js';
import type { BackendProcess } from './backend-process.js';
import { parseCpuList } from '../proc/proc-stat.js';
import { measureGroups } from './measure-groups.js';
import { waitQuiet } from './quiet.js';
import { runLoad } from './spawn-load.js';

/** One case run against one target in one round. */
export interface CaseRun {
  round: number;
  target: string;
  case: string;
  /** ISO time the case began. */
  at: string;
  result: LoadResult | null;
  /** Why there is no result (the target did not start, the generator failed). */
  error: string | null;
  /** Echo calls the backend served during the case (warm-up included); a check that calls reached it. */
  backendCalls: number | null;
  /** CPU load (cores) of the target and backend when the case began, after waiting for it to settle. */
  idleCoresBefore?: number;
}

/** The load job for a case against a running target; `measure` names the process groups to watch. */
export function jobFor(settings: Readonly<BenchSettings>, spec: CaseSpec, running: RunningTarget, backend: BackendProcess): LoadJob {
  const base = {
    url: running.url,
    tool: running.echoTool,
    payloadBytes: spec.payloadBytes,
    expectTextBytes: spec.payloadBytes,
    warmupMs: spec.warmupMs,
    durationMs: spec.durationMs,
    timeoutMs: 10_000 + spec.delayMs,
    measure: measureGroups(running, backend.pid),
    clockTicks: settings.clockTicks,
    sutCpus: parseCpuList(settings.sutCpus),
    ...(running.bearerTokens ? { bearerTokens: running.bearerTokens.slice(0, Math.max(1, spec.sessions)) } : {}),
  };
  if (spec.load === 'open') return { ...base, kind: 'open', rate: spec.rate ?? 1, sessions: spec.sessions, maxConnections: 256 };
  return { ...base, kind: spec.load, sessions: spec.sessions };
}

/**
 * Load a target takes after it starts and before its first case, not recorded: a closed loop of 8 sessions, 1 KB
 * echo. A fresh gateway spends its first seconds under load compiling its hot paths and, with chDB, writing its
 * first parts; without this, the stalls of that (up to 100–200 ms each, for 2–4 s) fell into the first case's
 * window, whose p99 then measured the start rather than the gateway. Resolves whatever happens (a case records
 * its own failure).
 */
export async function warmUp(settings: Readonly<BenchSettings>, running: RunningTarget, backend: BackendProcess): Promise<string | null> {
  const spec: CaseSpec = { id: 'warm-up', load: 'closed', rate: null, sessions: 8, payloadBytes: 1024, delayMs: 0, warmupMs: 0, durationMs: settings.targetWarmupMs, scope: 'core' };
  try {
    await backend.setKnobs({ delayMs: 0, responseBytes: 0 });
    await runLoad(settings, jobFor(settings, spec, running, backend));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Sets the backend's knobs for the case, runs the load generator, and records what happened. */
export async function runCase(
  settings: Readonly<BenchSettings>,
  round: number,
  targetId: string,
  spec: CaseSpec,
  running: RunningTarget,
  backend: BackendProcess,
  idleCores: number,
): Promise<CaseRun> {
  const at = new Date().toISOString();
  try {
    // An overloaded case may leave a backlog (e.g. on Kafka topics): let the target get back to its idle load
    // (measured after it started) so the backlog does not load the next case.
    const idleCoresBefore = await waitQuiet([...running.pids, backend.pid], settings.clockTicks, idleCores + 0.1, settings.settleBudgetMs);
    await backend.setKnobs({ delayMs: spec.delayMs, responseBytes: 0 });
    const before = await backend.calls();
    const result = await runLoad(settings, jobFor(settings, spec, running, backend));
    const backendCalls = (await backend.calls()) - before;
    return { round, target: targetId, case: spec.id, at, result, error: null, backendCalls, idleCoresBefore };
  } catch (err) {
    return { round, target: targetId, case: spec.id, at, result: null, error: err instanceof Error ? err.message : String(err), backendCalls: null };
  }
}
