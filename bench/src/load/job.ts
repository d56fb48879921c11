import type { CpuShares, GroupUsage } from '../proc/resource-window.js';

/** What every load job has in common. */
interface JobBase {
  /** MCP Streamable HTTP endpoint. */
  url: string;
  /** Name of the echo tool at that endpoint. */
  tool: string;
  /** Length of the `message` argument (ASCII, so bytes). */
  payloadBytes: number;
  /** Length of the text every answer must carry. */
  expectTextBytes: number;
  /** Load before the measured window, not recorded. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
  /** Longest one request may take before it counts as an error. */
  timeoutMs: number;
  /** Process groups (name → root pids) whose CPU and memory are measured over the window. */
  measure: Record<string, number[]>;
  /** Kernel clock ticks per second, for /proc CPU times. */
  clockTicks: number;
  /** The CPUs the measured processes are pinned to, whose busy and stolen time is measured over the window. */
  sutCpus: number[];
  /** Bearer tokens, one per session (`Authorization` on every request of session i: `tokens[i % length]`). */
  bearerTokens?: readonly string[];
}

/** Fixed offered rate, spread over `sessions` sessions; latency counts from each request's scheduled time. */
export interface OpenLoopJob extends JobBase {
  kind: 'open';
  rate: number;
  sessions: number;
  /** Most connections the generator may open (requests beyond wait, and the wait counts as latency). */
  maxConnections: number;
  /** When set, an {@link IntervalReport} line is printed every so many milliseconds of the window (soak). */
  intervalMs?: number;
}

/** `sessions` sessions, each sending its next call as soon as the previous one is answered. */
export interface ClosedLoopJob extends JobBase {
  kind: 'closed';
  sessions: number;
}

/** `sessions` workers, each looping initialize → notifications/initialized → tools/call → DELETE. */
export interface ChurnJob extends JobBase {
  kind: 'churn';
  sessions: number;
}

/** One run of the load generator. */
export type LoadJob = OpenLoopJob | ClosedLoopJob | ChurnJob;

/** Latency percentiles in microseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Calls answered during one interval of an open-loop window, printed as `{"interval": …}` while it runs. */
export interface IntervalReport {
  /** Seconds since the window opened, at the interval's end. */
  atS: number;
  ok: number;
  errors: number;
  latencyUs: Percentiles;
}

/** What the load generator measured. */
export interface LoadResult {
  kind: LoadJob['kind'];
  /** Offered calls per second (open loop only). */
  offeredRate: number | null;
  /** Successful calls (churn: whole session cycles) per second over the measured window. */
  achievedRate: number;
  /** Operations started in the measured window, successful ones and failed ones. */
  attempted: number;
  ok: number;
  errors: number;
  /** A few distinct error messages, for the report. */
  errorSamples: string[];
  /** Seconds from the window's start to its last counted completion. */
  windowSeconds: number;
  latencyUs: Percentiles;
  /** The latency histogram, compressed (hdr-histogram-js), so rounds can be merged. */
  histogram: string;
  /** How late the generator sent requests relative to schedule (open loop only), microseconds. */
  sendLagUs: Percentiles | null;
  /** Usage of each measured process group over the window. */
  usage: Record<string, GroupUsage>;
  /** The generator's own CPU seconds over the window. */
  loadgenCpuSeconds: number;
  /** How busy the CPUs under test were over the window, and how much of their time the hypervisor took. */
  sutCpus: CpuShares | null;
}
