import type { IntervalReport, LoadResult, OpenLoopJob } from '../load/job.js';
import { memoryOf } from '../proc/proc-stat.js';
import type { BenchSettings } from '../settings.js';
import { eventsStored, gatewayMetrics } from '../targets/sluice-probe.js';
import type { SluiceTarget } from '../targets/sluice-target.js';
import type { BackendProcess } from './backend-process.js';
import { onCleanup } from './cleanup.js';
import { parseCpuList } from '../proc/proc-stat.js';
import { freePort } from './managed-process.js';
import { measureGroups } from './measure-groups.js';
import { runLoad } from './spawn-load.js';

/** One sample of a soak. */
export interface SoakSample {
  /** Seconds since the load began (warm-up included). */
  atS: number;
  /** VmRSS of each Sluice process by role, and of the broker, in bytes. */
  rssBytes: Record<string, number>;
  /** V8 heap in use, summed over the Sluice processes: the rest of their RSS is native (chDB, buffers, code). */
  heapBytes: number | null;
  /** Events the gateway says it appended (sum of sluice_events_produced_total). */
  produced: number | null;
  /** Rows in sluice.events. */
  stored: number | null;
  /** produced − stored: events appended but not yet in ClickHouse. */
  lag: number | null;
}

/** What a soak of one target measured. */
export interface SoakOutcome {
  target: string;
  rate: number;
  seconds: number;
  samples: SoakSample[];
  intervals: IntervalReport[];
  load: LoadResult | null;
  error: string | null;
  /** Lag once the load stopped and the sink had up to 30 s to catch up. */
  finalLag: number | null;
  describe: Record<string, string>;
}

/**
 * Runs a target at a fixed rate for the soak duration; every `soakSampleSeconds` it records the RSS of each
 * process and the audit lag: events produced per the gateway's /metrics minus rows counted in sluice.events.
 */
export async function runSoak(
  settings: Readonly<BenchSettings>,
  id: string,
  target: SluiceTarget,
  backend: BackendProcess,
  log: (line: string) => void,
): Promise<SoakOutcome> {
  const outcome: SoakOutcome = { target: id, rate: settings.soakRate, seconds: settings.soakSeconds, samples: [], intervals: [], load: null, error: null, finalLag: null, describe: {} };
  let running;
  try {
    running = await target.start(backend.endpoint, await freePort());
  } catch (err) {
    outcome.error = `did not start: ${err instanceof Error ? err.message : String(err)}`;
    return outcome;
  }
  outcome.describe = running.describe;
  const forget = onCleanup(() => running.stop());
  const began = performance.now();
  const sample = async (): Promise<SoakSample> => {
    const rssBytes: Record<string, number> = {};
    for (const [role, pid] of Object.entries(running.roles)) rssBytes[role] = memoryOf(pid).rss;
    for (const [name, pids] of Object.entries(running.auxiliaryPids)) rssBytes[name] = pids.reduce((sum, pid) => sum + memoryOf(pid).rss, 0);
    // Stored first: whatever it counts was produced before the counters are read, so lag is never negative.
    const stored = running.auditAdminPort === null ? null : await eventsStored(running.auditAdminPort, running.adminToken).catch(() => null);
    const metrics = await gatewayMetrics(running.adminPorts, running.adminToken).catch(() => null);
    const produced = metrics?.produced ?? null;
    const lag = produced !== null && stored !== null ? produced - stored : null;
    return { atS: (performance.now() - began) / 1000, rssBytes, heapBytes: metrics?.heapUsedBytes ?? null, produced, stored, lag };
  };
  const timer = setInterval(() => {
    void sample().then((s) => {
      outcome.samples.push(s);
      log(`  soak ${id} t=${s.atS.toFixed(0)}s lag=${s.lag ?? '?'} rss=${Object.entries(s.rssBytes).map(([k, v]) => `${k}:${(v / 2 ** 20).toFixed(0)}M`).join(' ')} heap=${s.heapBytes === null ? '?' : `${(s.heapBytes / 2 ** 20).toFixed(0)}M`}`);
    });
  }, settings.soakSampleSeconds * 1000);
  try {
    await backend.setKnobs({ delayMs: 0, responseBytes: 0 });
    outcome.samples.push(await sample());
    const job: OpenLoopJob = {
      kind: 'open',
      url: running.url,
      tool: running.echoTool,
      payloadBytes: 1024,
      expectTextBytes: 1024,
      warmupMs: 0,
      durationMs: settings.soakSeconds * 1000,
      timeoutMs: 10_000,
      measure: measureGroups(running, backend.pid),
      clockTicks: settings.clockTicks,
      sutCpus: parseCpuList(settings.sutCpus),
      rate: settings.soakRate,
      sessions: 8,
      maxConnections: 256,
      ...(running.bearerTokens ? { bearerTokens: running.bearerTokens.slice(0, 8) } : {}),
      intervalMs: settings.soakSampleSeconds * 1000,
    };
    outcome.load = await runLoad(settings, job, (report) => outcome.intervals.push(report));
    clearInterval(timer);
    outcome.samples.push(await sample());
    outcome.finalLag = await drainedLag(sample, 30_000);
  } catch (err) {
    outcome.error = err instanceof Error ? err.message : String(err);
  } finally {
    clearInterval(timer);
    forget();
    await running.stop();
  }
  return outcome;
}

/** The lag after waiting (up to `budgetMs`) for it to reach zero. */
async function drainedLag(sample: () => Promise<SoakSample>, budgetMs: number): Promise<number | null> {
  const until = Date.now() + budgetMs;
  let last: number | null = null;
  while (Date.now() < until) {
    last = (await sample()).lag;
    if (last === null || last <= 0) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}
