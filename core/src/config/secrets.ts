import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

const REFERENCE = /\$\{(env|file):([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where secret references are read from: the environment and the directory of the configuration file. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative `${file:...}` paths start from. */
  base: string;
  /** The configuration file, named in errors. */
  file: string;
}

/**
 * `value` with every `${env:NAME}` replaced by the variable's value and every `${file:path}` by the file's
 * content without one trailing newline. A variable that is not set (or empty), or a file that cannot be read,
 * throws a ConfigError naming `key`; the resolved value is never part of an error.
 */
export function resolveSecrets(value: string, key: string, sources: SecretSources): string {
  if (!value.includes('${')) return value;
  return value.replace(REFERENCE, (_, kind: string, ref: string) => (kind === 'env' ? fromEnv(ref, key, sources) : fromFile(ref, key, sources)));
}

/** Every value of `record` resolved with {@link resolveSecrets}; keys of errors are `<key>.<name>`. */
export function resolveSecretRecord(record: Readonly<Record<string, string>>, key: string, sources: SecretSources): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) out[name] = resolveSecrets(value, `${key}.${name}`, sources);
  return out;
}

function fromEnv(name: string, key: string, sources: SecretSources): string {
  if (!ENV_NAME.test(name)) fail(sources, key, `\${env:${name}} does not name an environment variable`);
  const value = sources.env[name];
  if (value === undefined || value === '') fail(sources, key, `the environment variable ${name} is not set`);
  return value as string;
}

function fromFile(ref: string, key: string, sources: SecretSources): string {
  if (ref === '') fail(sources, key, '${file:} names no file');
  const path = isAbsolute(ref) ? ref : resolve(sources.base, ref);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(sources, key, `cannot read ${path}: ${code === 'ENOENT' ? 'file not found' : (code ?? 'unreadable')}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') fail(sources, key, `${path} is empty`);
  return value;
}

function fail(sources: SecretSources, key: string, reason: string): never {
  throw new ConfigError('SLUICE_CONFIG_INVALID', sources.file, key, reason);
}
