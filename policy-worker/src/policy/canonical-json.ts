import { hash } from 'node:crypto';
import { PolicyError } from '../errors.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, array order kept. Two values that are
 * equal as JSON give the same text, so its hash identifies the value. Throws on non-finite numbers and on
 * values JSON cannot hold.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PolicyError('SLUICE_POLICY_INPUT_INVALID', `${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${text}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order the canonical form needs.
    const keys = Object.keys(record).sort();
    let text = '{';
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    }
    return `${text}}`;
  }
  throw new PolicyError('SLUICE_POLICY_INPUT_INVALID', `a ${typeof value} is not JSON`);
}

/** SHA-256 of a text's UTF-8 bytes, as 64 lowercase hex digits (one-shot: no Hash object per input). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
