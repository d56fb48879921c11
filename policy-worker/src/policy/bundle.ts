import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PolicyError } from '../errors.js';
import { readTar } from './tar.js';

/** The parts of an OPA wasm bundle the worker uses. */
export interface PolicyBundle {
  /** Path the bundle was read from. */
  file: string;
  /** The manifest's revision, or `wasm-` and 12 hex digits of the module's SHA-256 when the manifest has none. */
  revision: string;
  /** Entrypoints the manifest declares. */
  entrypoints: string[];
  wasm: Buffer;
  /** Contents of `/data.json` (an empty object when absent). */
  data: Record<string, unknown>;
}

/** Path of the default bundle shipped with the policy worker (the same from `src/` and from `dist/`). */
export function defaultBundlePath(): string {
  return fileURLToPath(new URL('../../policy/bundle.tar.gz', import.meta.url));
}

/** Reads an OPA wasm bundle (`opa build -t wasm`, a .tar.gz). Errors name the file. */
export async function readBundle(file: string): Promise<PolicyBundle> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new PolicyError('SLUICE_POLICY_BUNDLE_UNREADABLE', `${file}: ${(err as Error).message}`, err);
  }
  return parseBundle(bytes, file);
}

/** Parses the bytes of an OPA wasm bundle; `file` names it in errors. */
export function parseBundle(bytes: Uint8Array, file: string): PolicyBundle {
  const invalid = (reason: string, cause?: unknown): PolicyError =>
    new PolicyError('SLUICE_POLICY_BUNDLE_INVALID', `${file}: ${reason}`, cause);
  let files: Map<string, Buffer>;
  try {
    files = readTar(gunzipSync(bytes));
  } catch (err) {
    throw invalid(`not a readable .tar.gz (${(err as Error).message})`, err);
  }
  const wasm = files.get('policy.wasm');
  if (!wasm) throw invalid('it has no /policy.wasm (build it with `opa build -t wasm`)');
  const manifest = parseJson(files.get('.manifest'), '/.manifest', invalid);
  const data = parseJson(files.get('data.json'), '/data.json', invalid);
  const revision = typeof manifest.revision === 'string' && manifest.revision !== '' ? manifest.revision : wasmRevision(wasm);
  const entrypoints = Array.isArray(manifest.wasm)
    ? manifest.wasm.flatMap((w: unknown) => (isRecord(w) && typeof w.entrypoint === 'string' ? [w.entrypoint] : []))
    : [];
  return { file, revision, entrypoints, wasm, data };
}

function parseJson(
  bytes: Buffer | undefined,
  name: string,
  invalid: (reason: string, cause?: unknown) => PolicyError,
): Record<string, unknown> {
  if (!bytes) return {};
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(`${name} is not valid JSON`, err);
  }
  if (!isRecord(value)) throw invalid(`${name} is not a JSON object`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wasmRevision(wasm: Buffer): string {
  return `wasm-${createHash('sha256').update(wasm).digest('hex').slice(0, 12)}`;
}
