import type { AuditRow } from './admin-client.js';

/** Epoch milliseconds of a `DateTime64(3, 'UTC')` column as JSON lines carry it (`2025-01-02 03:04:05.678`). */
export function timeOf(row: AuditRow, column = 'time'): number {
  const value = row[column];
  return typeof value === 'string' ? Date.parse(`${value.replace(' ', 'T')}Z`) : Number.NaN;
}

/** A string column, or null. */
export function text(row: AuditRow | null | undefined, column: string): string | null {
  const value = row?.[column];
  return typeof value === 'string' ? value : null;
}

/** An array-of-strings column, or []. */
export function list(row: AuditRow | null | undefined, column: string): string[] {
  const value = row?.[column];
  return Array.isArray(value) ? value.map(String) : [];
}

/** The JSON object in a string column (`payload`, `message`), or {} when it holds none. */
export function json(row: AuditRow, column: string): Record<string, unknown> {
  const value = text(row, column);
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * `value` fit for a terminal: control characters (escape sequences a client could have put in a name or message)
 * written as `\u001b`, and cut to `max` characters.
 */
export function safe(value: unknown, max = 200): string {
  const s = String(value ?? '-');
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
