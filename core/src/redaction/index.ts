import { join } from 'node:path';
import type { SluiceConfig } from '../config/types.js';
import { REDACTION_KEY_FILE_NAME, loadKeyFile } from './key-file.js';
import { Redactor } from './redactor.js';
import { compileRuleSet } from './rule-set.js';

export { BUILTIN_RULE_NAMES, type BuiltinRuleName } from './builtin-rules.js';
export { REDACTION_KEY_FILE_NAME } from './key-file.js';
export { Redactor, type RedactedMessage } from './redactor.js';
export { compileRuleSet, RuleSetProblem, type RuleSet } from './rule-set.js';

/**
 * The redactor of a configuration, or null when `redaction.enabled` is false. The hash key is `redaction.hashKey`
 * (resolved when the configuration was loaded) or the key file under `dataDir`, made on first start.
 */
export async function createRedactor(config: SluiceConfig): Promise<Redactor | null> {
  const { redaction } = config;
  if (!redaction.enabled) return null;
  const key = redaction.hashKey ?? (await loadKeyFile(join(config.dataDir, REDACTION_KEY_FILE_NAME)));
  return new Redactor(compileRuleSet(redaction), Buffer.from(key, 'utf8'));
}
