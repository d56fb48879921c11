import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { checkHosts, resolveAdminCredentials, resolveAdminOAuth } from './admin.js';
import { resolveIngressAuth } from './auth.js';
import { CONFIG_SCHEMA } from './schema.js';
import { compileRuleSet, RuleSetProblem } from '../redaction/rule-set.js';
import { resolveSecrets, type SecretSources } from './secrets.js';
import { normalizeServer } from './servers.js';
import type { SluiceConfig } from './types.js';

const ajv = new Ajv({ useDefaults: true, discriminator: true, allErrors: false, strict: false });
const validate = ajv.compile(CONFIG_SCHEMA);
const MIN_HASH_KEY_CHARS = 16;

/** The environment, as config reads it (only config reads it: `admin.tokenEnv`, `${env:...}`, a stdio server's base). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads, validates and freezes the configuration file at `file`. */
export function loadConfigFile(file: string, env: Environment = process.env): SluiceConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('SLUICE_CONFIG_UNREADABLE', path, '(file)', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err));
  }
  return parseConfig(text, path, env);
}

/** Validates YAML text as configuration; `file` names it in errors and anchors relative paths. */
export function parseConfig(text: string, file: string, env: Environment = process.env): SluiceConfig {
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first) throw new ConfigError('SLUICE_CONFIG_UNREADABLE', file, '(yaml)', `not valid YAML: ${first.message.split('\n')[0]}`);
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, '(root)', 'must be a mapping of keys to values');
  }
  if (!validate(raw)) throw toConfigError(file, validate.errors?.[0]);
  return freeze(normalize(raw as Record<string, any>, file, env));
}

function normalize(raw: Record<string, any>, file: string, env: Environment): SluiceConfig {
  const base = dirname(file);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const config = raw as SluiceConfig;
  config.file = file;
  config.ingress.nodeId ??= `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  config.dataDir = abs(config.dataDir);
  if (config.admin.tokenFile) config.admin.tokenFile = abs(config.admin.tokenFile);
  config.admin.credentials = resolveAdminCredentials(config.admin, config.dataDir, file, env);
  resolveAdminOAuth(config.admin, config.ingress.auth.oauth?.resource ?? null, file, abs);
  checkHosts(file, 'ingress.allowedHosts', config.ingress.allowedHosts);
  resolveIngressAuth(config.ingress.auth, config.listen.host, { env, base, file }, abs);
  if (config.audit.kind === 'chdb') config.audit.path = abs(config.audit.path);
  if (config.policy.bundle) config.policy.bundle = abs(config.policy.bundle);
  for (const [name, server] of Object.entries(config.servers)) normalizeServer(name, server, { env, base, file });
  normalizeRedaction(config, { env, base, file });
  if (config.listen.port !== 0 && config.listen.port === config.admin.port && config.listen.host === config.admin.host) {
    throw new ConfigError('SLUICE_CONFIG_INVALID', file, 'admin.port', `must differ from listen.port (${config.listen.port})`);
  }
  return config;
}

function normalizeRedaction(config: SluiceConfig, sources: SecretSources): void {
  const { redaction } = config;
  if (redaction.hashKey !== null) {
    redaction.hashKey = resolveSecrets(redaction.hashKey, 'redaction.hashKey', sources);
    if (redaction.hashKey.length < MIN_HASH_KEY_CHARS) {
      throw new ConfigError('SLUICE_CONFIG_INVALID', sources.file, 'redaction.hashKey', `must hold at least ${MIN_HASH_KEY_CHARS} characters`);
    }
  }
  try {
    compileRuleSet(redaction);
  } catch (err) {
    if (err instanceof RuleSetProblem) throw new ConfigError('SLUICE_CONFIG_INVALID', sources.file, err.key, err.reason);
    throw err;
  }
}

function toConfigError(file: string, error: ErrorObject | undefined): ConfigError {
  if (!error) return new ConfigError('SLUICE_CONFIG_INVALID', file, '(root)', 'invalid');
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let reason = error.message ?? 'invalid';
  if (error.keyword === 'additionalProperties') {
    path.push(String(error.params.additionalProperty));
    reason = 'unknown key';
  } else if (error.keyword === 'required') {
    path.push(String(error.params.missingProperty));
    reason = 'is required';
  } else if (error.keyword === 'enum') {
    reason = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  } else if (error.keyword === 'discriminator') {
    path.push(String(error.params.tag));
    reason = error.params.error === 'mapping' ? 'is not a known kind' : reason;
  } else if (error.propertyName !== undefined) {
    path.push(error.propertyName);
    reason = 'is not a valid name (letters, digits, _ and -; at most 63 characters; no "__" and no "_" at the end)';
  }
  return new ConfigError('SLUICE_CONFIG_INVALID', file, path.join('.') || '(root)', reason);
}

function freeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) freeze(v);
    Object.freeze(value);
  }
  return value;
}
