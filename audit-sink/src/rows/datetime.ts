/** The range `DateTime64(3)` holds: 1900-01-01 to 2299-12-31, in epoch milliseconds. */
const MIN_MS = -2_208_988_800_000;
const MAX_MS = 10_413_791_999_999;

/**
 * Epoch milliseconds as a ClickHouse `DateTime64(3, 'UTC')` literal (`YYYY-MM-DD hh:mm:ss.mmm`), the form every
 * ClickHouse version parses with its default input format. A time outside the column's range is clamped to it, so
 * one absurd clock cannot stall a partition by failing its batch for ever.
 */
export function toDateTime64(epochMs: number): string {
  const ms = Number.isFinite(epochMs) ? Math.min(Math.max(Math.round(epochMs), MIN_MS), MAX_MS) : 0;
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}
