import { newHistogram, recordMs, type Histogram } from './histogram.js';

const MAX_SAMPLES = 5;

/** Counts and latencies of the measured operations. */
export class Recorder {
  readonly histogram: Histogram = newHistogram();
  attempted = 0;
  ok = 0;
  errors = 0;
  /** `performance.now()` of the last counted completion. */
  lastCompletion = 0;
  private readonly samples = new Map<string, number>();

  /** A successful operation that took `ms` milliseconds and ended at `at`. */
  success(ms: number, at: number): void {
    this.attempted += 1;
    this.ok += 1;
    recordMs(this.histogram, ms);
    this.lastCompletion = Math.max(this.lastCompletion, at);
  }

  /** A failed operation, ended at `at`. */
  failure(err: unknown, at: number): void {
    this.attempted += 1;
    this.errors += 1;
    this.lastCompletion = Math.max(this.lastCompletion, at);
    const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
    if (this.samples.size < MAX_SAMPLES || this.samples.has(text)) this.samples.set(text, (this.samples.get(text) ?? 0) + 1);
  }

  /** The distinct error messages seen, with counts. */
  errorSamples(): string[] {
    return [...this.samples].map(([text, count]) => `${count}× ${text}`);
  }
}
