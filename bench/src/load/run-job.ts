import { Pool } from 'undici';
import { ResourceWindow } from '../proc/resource-window.js';
import { encodeHistogram, percentiles } from './histogram.js';
import type { IntervalReport, LoadJob, LoadResult } from './job.js';
import { McpWire } from './mcp-wire.js';
import { runClosedLoop } from './closed-loop.js';
import { runOpenLoop } from './open-loop.js';
import type { Recorder } from './recorder.js';
import { closeSessions, openSessions } from './sessions.js';

/** Runs one load job against its endpoint and measures it, including the CPU and memory of the named processes. */
export async function runJob(job: LoadJob, onInterval?: (report: IntervalReport) => void): Promise<LoadResult> {
  const connections = job.kind === 'open' ? job.maxConnections : job.sessions;
  const pool = new Pool(new URL(job.url).origin, {
    connections,
    pipelining: 1,
    // Idle connections are dropped after 4 s unless the server's Keep-Alive header allows longer: a server that
    // closes idle connections first would otherwise race the next request into ECONNRESET.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: job.timeoutMs,
    bodyTimeout: job.timeoutMs,
    connect: { timeout: 5_000 },
  });
  const wire = new McpWire(job.url, pool, job.tool, job.payloadBytes, job.expectTextBytes, job.bearerTokens ?? []);
  const window = new ResourceWindow(job.measure, job.clockTicks, 1000, job.sutCpus);
  let usage: ReturnType<ResourceWindow['end']> | null = null;
  const endWindow = (): void => {
    usage ??= window.end();
  };
  try {
    if (job.kind === 'churn') {
      const run = await runClosedLoop(job.sessions, job, async (_worker, seq) => {
        const session = await wire.open();
        await wire.call(session, seq);
        await wire.close(session);
      }, () => window.begin(), endWindow);
      return result(job, run.recorder, (run.windowEnd - run.windowStart) / 1000, null, usage!);
    }
    const sessions = await openSessions(wire, job.sessions);
    try {
      if (job.kind === 'closed') {
        const run = await runClosedLoop(job.sessions, job, (worker, seq) => wire.call(sessions[worker]!, seq), () => window.begin(), endWindow);
        return result(job, run.recorder, (run.windowEnd - run.windowStart) / 1000, null, usage!);
      }
      const run = await runOpenLoop(job, wire, sessions, () => window.begin(), onInterval);
      endWindow();
      const seconds = Math.max(job.durationMs, run.recorder.lastCompletion - run.windowStart) / 1000;
      return result(job, run.recorder, seconds, percentiles(run.sendLag), usage!);
    } finally {
      await closeSessions(wire, sessions, 10_000);
    }
  } finally {
    await pool.close().catch(() => undefined);
  }
}

function result(
  job: LoadJob,
  recorder: Recorder,
  windowSeconds: number,
  sendLagUs: LoadResult['sendLagUs'],
  usage: ReturnType<ResourceWindow['end']>,
): LoadResult {
  return {
    kind: job.kind,
    offeredRate: job.kind === 'open' ? job.rate : null,
    achievedRate: recorder.ok / windowSeconds,
    attempted: recorder.attempted,
    ok: recorder.ok,
    errors: recorder.errors,
    errorSamples: recorder.errorSamples(),
    windowSeconds,
    latencyUs: percentiles(recorder.histogram),
    histogram: encodeHistogram(recorder.histogram),
    sendLagUs,
    usage: usage.groups,
    loadgenCpuSeconds: usage.selfCpuSeconds,
    sutCpus: usage.cpus,
  };
}
