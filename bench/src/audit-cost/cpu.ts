import { readFileSync } from 'node:fs';

/** CPU this process used so far, in microseconds: every thread (JS, libuv workers, the embedded engine's pools). */
export function processCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * CPU the calling (main JavaScript) thread used so far, in microseconds, from /proc/thread-self/stat (clock ticks of
 * 10 ms, so only long windows are meaningful); null where that file does not exist.
 */
export function mainThreadCpuUs(): number | null {
  try {
    const text = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** A CPU reading to subtract from a later one. */
export interface CpuMark {
  process: number;
  main: number | null;
  wallMs: number;
}

/** Reads both clocks and the wall clock. */
export function cpuMark(): CpuMark {
  return { process: processCpuUs(), main: mainThreadCpuUs(), wallMs: performance.now() };
}

/** CPU spent since `from`: the whole process, the main thread (null when unknown), and the wall time. */
export function cpuSince(from: CpuMark): CpuMark {
  const now = cpuMark();
  return {
    process: now.process - from.process,
    main: now.main === null || from.main === null ? null : now.main - from.main,
    wallMs: now.wallMs - from.wallMs,
  };
}
