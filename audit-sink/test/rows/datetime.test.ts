import { describe, expect, it } from 'vitest';
import { toDateTime64 } from '../../src/rows/datetime.js';

/** The obvious implementation, for comparison. */
const reference = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

describe('toDateTime64', () => {
  it('formats like Date#toISOString, across days, years and the epoch', () => {
    const samples = [0, 1, 999, 1_000, 59_999, 86_399_999, 86_400_000, -1, -86_400_001, 1_767_225_600_010, 951_782_400_000, 4_102_444_799_999];
    for (let i = 0; i < 2_000; i++) samples.push(Math.floor(Math.random() * 8_000_000_000_000) - 2_000_000_000_000);
    for (const ms of samples) expect(toDateTime64(ms), String(ms)).toBe(reference(ms));
  });

  it('rounds fractional milliseconds and clamps to the range DateTime64(3) holds', () => {
    expect(toDateTime64(1_767_225_600_010.6)).toBe('2026-01-01 00:00:00.011');
    expect(toDateTime64(-9e15)).toBe('1900-01-01 00:00:00.000');
    expect(toDateTime64(9e15)).toBe('2299-12-31 23:59:59.999');
    expect(toDateTime64(Number.NaN)).toBe('1970-01-01 00:00:00.000');
    expect(toDateTime64(Number.POSITIVE_INFINITY)).toBe('1970-01-01 00:00:00.000');
  });
});
