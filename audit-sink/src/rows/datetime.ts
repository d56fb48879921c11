/** The range `DateTime64(3)` holds: 1900-01-01 to 2299-12-31, in epoch milliseconds. */
const MIN_MS = -2_208_988_800_000;
const MAX_MS = 10_413_791_999_999;
const DAY_MS = 86_400_000;

/** The `YYYY-MM-DD ` prefix of the last day formatted: a batch's times fall on one or two days. */
let cachedDay = Number.NaN;
let cachedPrefix = '';

/**
 * Epoch milliseconds as a ClickHouse `DateTime64(3, 'UTC')` literal (`YYYY-MM-DD hh:mm:ss.mmm`), the form every
 * ClickHouse version parses with its default input format. A time outside the column's range is clamped to it, so
 * one absurd clock cannot stall a partition by failing its batch for ever. The date part is formatted once per day
 * and the time of day by arithmetic, about four times faster than `Date#toISOString` for every row.
 */
export function toDateTime64(epochMs: number): string {
  const ms = Number.isFinite(epochMs) ? Math.min(Math.max(Math.round(epochMs), MIN_MS), MAX_MS) : 0;
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  if (day !== cachedDay) {
    cachedPrefix = new Date(day).toISOString().slice(0, 11).replace('T', ' ');
    cachedDay = day;
  }
  let rest = ms - day;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
