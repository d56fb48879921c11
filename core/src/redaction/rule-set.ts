import { createHash } from 'node:crypto';
import parseJsonPath from 'jsonpath-rfc9535/parser';
import type { RedactionConfig } from '../config/types.js';
import { BUILTIN_PATTERNS } from './builtin-rules.js';

/** A pattern rule ready to run. */
export interface PatternRule {
  name: string;
  /** Global, so `replace` finds every match. */
  pattern: RegExp;
}

/** The redaction rules of a configuration, compiled once. */
export interface RuleSet {
  patterns: readonly PatternRule[];
  /** Whether the `json-key` rule is in force. */
  secretKeys: boolean;
  /** JSON paths per exposed tool name. */
  tools: ReadonlyMap<string, readonly string[]>;
  /** First 16 hex digits of the SHA-256 of the rules: names, patterns, flags and paths (never the key). */
  revision: string;
}

/** Why a rule or path of `redaction` is unusable; thrown by {@link compileRuleSet}, naming the key. */
export class RuleSetProblem extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/** Compiles the rules of `config`; throws RuleSetProblem for a pattern that does not compile or matches nothing, or a bad path. */
export function compileRuleSet(config: RedactionConfig): RuleSet {
  const patterns: PatternRule[] = [];
  for (const name of config.builtins) {
    if (name !== 'json-key') patterns.push({ name, pattern: BUILTIN_PATTERNS[name] });
  }
  config.rules.forEach((rule, i) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(rule.pattern, rule.ignoreCase ? 'gi' : 'g');
    } catch (err) {
      throw new RuleSetProblem(`redaction.rules.${i}.pattern`, `not a valid regular expression: ${(err as Error).message}`);
    }
    if (pattern.test('')) throw new RuleSetProblem(`redaction.rules.${i}.pattern`, 'matches the empty string');
    pattern.lastIndex = 0;
    patterns.push({ name: rule.name, pattern });
  });
  const tools = new Map<string, readonly string[]>();
  for (const [tool, paths] of Object.entries(config.tools)) {
    paths.forEach((path, i) => {
      try {
        parseJsonPath(path);
      } catch (err) {
        throw new RuleSetProblem(`redaction.tools.${tool}.${i}`, `not a JSONPath (RFC 9535): ${(err as Error).message.split('\n')[0]}`);
      }
    });
    tools.set(tool, paths);
  }
  const secretKeys = config.builtins.includes('json-key');
  const identity = {
    patterns: patterns.map((p) => [p.name, p.pattern.source, p.pattern.flags]),
    secretKeys,
    tools: [...tools].sort(([a], [b]) => (a < b ? -1 : 1)),
  };
  const revision = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
  return { patterns, secretKeys, tools, revision };
}
