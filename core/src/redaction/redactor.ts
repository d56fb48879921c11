import { createHmac } from 'node:crypto';
import { exec, type JsonValue } from 'jsonpath-rfc9535';
import type { Redaction } from '@sluice/schemas';
import { rememberMessageJson } from '../events/message-json.js';
import { hasSecretKey, isSecretKeyName } from './builtin-rules.js';
import type { RuleSet } from './rule-set.js';

/** A message with its secrets replaced, and what to record about it. */
export interface RedactedMessage {
  bytes: Buffer;
  redaction: Redaction;
}

const MARKER = /^\[redacted:[a-z0-9-]+:[0-9a-f]{16}\]$/;
const HASH_HEX = 16;
const PATH_RULE = 'path';

type Json = Record<string, unknown> | unknown[];

/**
 * Replaces secrets in JSON-RPC messages by `[redacted:<rule>:<hash>]`, where the hash is the first 16 hex digits
 * of HMAC-SHA256(key, secret): equal secrets get equal markers, and the marker does not reveal the secret. Only
 * a message's `params`, `result` and `error` are redacted; `jsonrpc`, `id` and `method` stay as they were.
 */
export class Redactor {
  readonly revision: string;
  private readonly rules: RuleSet;
  private readonly key: Buffer;

  constructor(rules: RuleSet, key: Uint8Array) {
    this.rules = rules;
    this.revision = rules.revision;
    this.key = Buffer.from(key);
  }

  /**
   * The message with its secrets redacted, or null when it holds none (then the original bytes are to be used
   * unchanged). `tool` is the exposed tool name whose JSON paths apply: a tools/call request names it itself;
   * its response needs it given.
   */
  redact(bytes: Uint8Array, tool: string | null = null): RedactedMessage | null {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const paths = this.rules.tools.size > 0 ? this.pathsOf(text, tool) : undefined;
    if (!paths && !this.mayHoldSecret(text)) return null;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isObject(message)) return null;
    let count = 0;
    for (const member of ['params', 'result', 'error'] as const) {
      const value = message[member];
      if (paths && (member === 'params' || member === 'result') && isJson(value)) count += this.redactPaths(value, paths);
      if (value !== undefined) {
        const [redacted, n] = this.redactValue(value, false);
        message[member] = redacted;
        count += n;
      }
    }
    if (count === 0) return null;
    const out = Buffer.from(JSON.stringify(message), 'utf8');
    rememberMessageJson(out, message);
    return { bytes: out, redaction: { revision: this.revision, count } };
  }

  /** The marker of `secret` found by `rule`. */
  marker(rule: string, secret: string): string {
    return `[redacted:${rule}:${createHmac('sha256', this.key).update(secret).digest('hex').slice(0, HASH_HEX)}]`;
  }

  private mayHoldSecret(text: string): boolean {
    // An escape could spell a secret the raw text does not show; such messages are always parsed and walked.
    if (text.includes('\\u') || text.includes('\\/')) return true;
    if (this.rules.secretKeys && hasSecretKey(text)) return true;
    for (const { pattern } of this.rules.patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(text)) return true;
    }
    return false;
  }

  /** The JSON paths of the message's tool, parsing the message only when some tool has paths and the text names it. */
  private pathsOf(text: string, tool: string | null): readonly string[] | undefined {
    if (tool !== null) return this.rules.tools.get(tool);
    if (!text.includes('"tools/call"')) return undefined;
    for (const [name, paths] of this.rules.tools) {
      if (!text.includes(JSON.stringify(name))) continue;
      try {
        const message = JSON.parse(text) as { method?: unknown; params?: { name?: unknown } };
        if (message.method === 'tools/call' && message.params?.name === name) return paths;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private redactPaths(root: Json, paths: readonly string[]): number {
    const found: { path: (string | number)[]; value: unknown }[] = [];
    for (const expression of paths) exec(root as JsonValue, expression, (value, path) => found.push({ path: [...path], value }));
    let count = 0;
    for (const { path, value } of found) {
      if (path.length === 0 || (typeof value === 'string' && MARKER.test(value))) continue;
      const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
      const secret = typeof value === 'string' ? value : JSON.stringify(value);
      parent[path[path.length - 1] as string | number] = this.marker(PATH_RULE, secret);
      count++;
    }
    return count;
  }

  /** `value` with secrets replaced, and how many were; `secretKey`: the value belongs to a key naming a credential. */
  private redactValue(value: unknown, secretKey: boolean): [unknown, number] {
    if (typeof value === 'string') {
      if (MARKER.test(value)) return [value, 0];
      if (secretKey && value !== '') return [this.marker('json-key', value), 1];
      return this.redactString(value);
    }
    if (typeof value === 'number' && secretKey) return [this.marker('json-key', String(value)), 1];
    if (Array.isArray(value)) {
      let count = 0;
      for (let i = 0; i < value.length; i++) {
        const [item, n] = this.redactValue(value[i], false);
        value[i] = item;
        count += n;
      }
      return [value, count];
    }
    if (isObject(value)) {
      let count = 0;
      for (const key of Object.keys(value)) {
        const [item, n] = this.redactValue(value[key], this.rules.secretKeys && isSecretKeyName(key));
        value[key] = item;
        count += n;
      }
      return [value, count];
    }
    return [value, 0];
  }

  private redactString(text: string): [string, number] {
    let count = 0;
    let out = text;
    for (const { name, pattern } of this.rules.patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(out)) continue;
      pattern.lastIndex = 0;
      out = out.replace(pattern, (match: string, ...rest: unknown[]) => {
        const groups = rest[rest.length - 1] as Record<string, string | undefined> | string;
        const secret = typeof groups === 'object' ? groups.secret : undefined;
        if (MARKER.test(match)) return match;
        count++;
        if (secret === undefined) return this.marker(name, match);
        const at = match.lastIndexOf(secret);
        return `${match.slice(0, at)}${this.marker(name, secret)}${match.slice(at + secret.length)}`;
      });
    }
    return [out, count];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}
