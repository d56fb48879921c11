import { Recorder } from './recorder.js';

/** What a closed-loop run measured. */
export interface ClosedLoopOutcome {
  recorder: Recorder;
  windowStart: number;
  windowEnd: number;
}

/**
 * Runs `workers` loops of `operation` back to back for `warmupMs + durationMs`; an operation counts when it ends
 * inside the measured window (which opens after the warm-up, firing `onWindow`, and closes `durationMs` later,
 * firing `onWindowEnd` at once so resource usage covers exactly the window). Each worker stops after its
 * operation in flight at the end; an error pauses that worker 10 ms, so a failing target is not hammered.
 */
export async function runClosedLoop(
  workers: number,
  timing: { warmupMs: number; durationMs: number },
  operation: (worker: number, seq: number) => Promise<void>,
  onWindow: () => void,
  onWindowEnd: () => void,
): Promise<ClosedLoopOutcome> {
  const recorder = new Recorder();
  const windowStart = performance.now() + timing.warmupMs;
  const windowEnd = windowStart + timing.durationMs;
  // Each boundary fires once: from its timer, or after the workers if the timer came late.
  const once = (fn: () => void): (() => void) => {
    let fired = false;
    return () => {
      if (!fired) fn();
      fired = true;
    };
  };
  const open = once(onWindow);
  const close = once(onWindowEnd);
  const opened = setTimeout(open, Math.max(0, windowStart - performance.now()));
  const closed = setTimeout(close, Math.max(0, windowEnd - performance.now()));
  let seq = 0;
  const worker = async (index: number): Promise<void> => {
    while (performance.now() < windowEnd) {
      const began = performance.now();
      try {
        await operation(index, ++seq);
        const now = performance.now();
        if (now >= windowStart && now <= windowEnd) recorder.success(now - began, now);
      } catch (err) {
        const now = performance.now();
        if (now >= windowStart && now <= windowEnd) recorder.failure(err, now);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  clearTimeout(opened);
  clearTimeout(closed);
  open();
  close();
  return { recorder, windowStart, windowEnd };
}
