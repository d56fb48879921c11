import { newHistogram, percentiles, recordMs, type Histogram } from './histogram.js';
import type { McpWire, WireSession } from './mcp-wire.js';
import type { IntervalReport, OpenLoopJob } from './job.js';
import { Recorder } from './recorder.js';

/** What an open-loop run measured. */
export interface OpenLoopOutcome {
  recorder: Recorder;
  sendLag: Histogram;
  windowStart: number;
}

/**
 * Sends `rate` calls per second on a fixed schedule, whatever the answers do (no coordinated omission): call i is
 * due at start + i/rate and its latency counts from that due time, so time spent waiting to be sent (a late timer,
 * no free connection) is latency too. Calls due during the warm-up are not recorded; `onWindow` fires when the
 * measured window opens. A call not answered `timeoutMs` after its due time fails. Resolves once every call has
 * been answered or has failed.
 */
export async function runOpenLoop(
  job: OpenLoopJob,
  wire: McpWire,
  sessions: readonly WireSession[],
  onWindow: () => void,
  onInterval?: (report: IntervalReport) => void,
): Promise<OpenLoopOutcome> {
  const recorder = new Recorder();
  const sendLag = newHistogram();
  const interval = 1000 / job.rate;
  const warmupCalls = Math.round((job.rate * job.warmupMs) / 1000);
  const total = warmupCalls + Math.max(1, Math.round((job.rate * job.durationMs) / 1000));
  const start = performance.now() + 5;
  const windowStart = start + warmupCalls * interval;
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let windowOpened = false;
  const slice = { histogram: newHistogram(), ok: 0, errors: 0, timer: null as NodeJS.Timeout | null };
  const openWindow = (): void => {
    windowOpened = true;
    onWindow();
    if (!onInterval || !job.intervalMs) return;
    const opened = performance.now();
    slice.timer = setInterval(() => {
      onInterval({ atS: (performance.now() - opened) / 1000, ok: slice.ok, errors: slice.errors, latencyUs: percentiles(slice.histogram) });
      slice.histogram.reset();
      slice.ok = 0;
      slice.errors = 0;
    }, job.intervalMs);
  };

  const fire = (i: number, due: number): void => {
    const measured = i >= warmupCalls;
    if (measured && !windowOpened) openWindow();
    const session = sessions[i % sessions.length]!;
    if (measured) recordMs(sendLag, performance.now() - due);
    // The call's deadline counts from its due time, so calls queued behind a stalled target fail in time too.
    const signal = AbortSignal.timeout(Math.max(1, Math.ceil(due + job.timeoutMs - performance.now())));
    const done = wire.call(session, i + 1, signal).then(
      () => {
        const now = performance.now();
        if (!measured) return;
        recorder.success(now - due, now);
        recordMs(slice.histogram, now - due);
        slice.ok += 1;
      },
      (err: unknown) => {
        if (!measured) return;
        recorder.failure(err, performance.now());
        slice.errors += 1;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        fire(next, start + next * interval);
        next += 1;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  if (slice.timer) clearInterval(slice.timer);
  return { recorder, sendLag, windowStart };
}
