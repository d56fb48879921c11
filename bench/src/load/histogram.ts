import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './job.js';

/** A latency histogram in microseconds. */
export type Histogram = hdr.Histogram;

/** A histogram for 1 µs .. 10 min at 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Records one duration given in milliseconds (as from `performance.now()`). */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(600_000_000, Math.max(1, Math.round(ms * 1000))));
}

/** The percentiles the report quotes. */
export function percentiles(histogram: Histogram): Percentiles {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (p: number): number => histogram.getValueAtPercentile(p);
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: histogram.maxValue, mean: Math.round(histogram.mean) };
}

/** Compressed text form, to pass between processes and merge later. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** One histogram holding the values of all the encoded ones. */
export function mergeHistograms(encoded: readonly string[]): Histogram {
  const merged = newHistogram();
  for (const text of encoded) merged.add(hdr.decodeFromCompressedBase64(text));
  return merged;
}
