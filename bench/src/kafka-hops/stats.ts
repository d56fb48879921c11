/** What one experiment measured. */
export interface HopResult {
  name: string;
  /** Latencies in milliseconds, one per measured message. */
  latenciesMs: number[];
  /** Process CPU (user + system) in microseconds over the measured messages; NaN where not measured. */
  cpuMicros: number;
  /** The broker's CPU in microseconds over the same time; NaN where not measured or the broker is unknown. */
  brokerCpuMicros: number;
}

/** The value at percentile `p` (0..100) of the samples, nearest rank; 0 when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Process CPU time since `start` (from `process.cpuUsage()`), in microseconds. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const perMessage = (micros: number, count: number): string =>
  count === 0 || Number.isNaN(micros) ? '-' : String(Math.round(micros / count));

/** The results as a plain-text table: p50, p99 and max in ms, CPU µs per message of this process and the broker. */
export function formatTable(results: readonly HopResult[]): string {
  const header = ['experiment', 'n', 'p50 ms', 'p99 ms', 'max ms', 'cpu µs/msg', 'broker µs/msg'];
  const rows = results.map((r) => [
    r.name,
    String(r.latenciesMs.length),
    percentile(r.latenciesMs, 50).toFixed(2),
    percentile(r.latenciesMs, 99).toFixed(2),
    percentile(r.latenciesMs, 100).toFixed(2),
    perMessage(r.cpuMicros, r.latenciesMs.length),
    perMessage(r.brokerCpuMicros, r.latenciesMs.length),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
