import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let opa: Promise<string> | null = null;

/** Path of the opa CLI: $OPA when set, else installed (cached) by deploy/local/opa.sh. */
export function opaPath(): Promise<string> {
  opa ??= (async () => {
    if (process.env.OPA) return process.env.OPA;
    const script = join(REPO_ROOT, 'deploy/local/opa.sh');
    await run('bash', [script, 'install'], { cwd: REPO_ROOT, timeout: 900_000 });
    const { stdout } = await run('bash', [script, 'path'], { cwd: REPO_ROOT });
    return stdout.trim();
  })();
  return opa;
}

/** Builds a wasm bundle from one Rego module into a new temporary directory; returns the bundle's path. */
export async function buildBundle(rego: string, options: { entrypoint?: string; revision?: string } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-policy-'));
  await writeFile(join(dir, 'policy.rego'), rego);
  const args = ['build', '-t', 'wasm', '-e', options.entrypoint ?? 'sluice/authz/decision', '-o', 'bundle.tar.gz', 'policy.rego'];
  if (options.revision) args.push('--revision', options.revision);
  await run(await opaPath(), args, { cwd: dir });
  return join(dir, 'bundle.tar.gz');
}

/**
 * Builds a wasm bundle from .rego files (paths from the repository root) as the worker's bundles are built:
 * `opa build -t wasm -e sluice/authz/decision`, with the files under their own names. Returns the bundle's path.
 */
export async function buildBundleFromFiles(files: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-policy-'));
  const names = files.map((f) => basename(f));
  await Promise.all(files.map((f, i) => copyFile(join(REPO_ROOT, f), join(dir, names[i]!))));
  await run(await opaPath(), ['build', '-t', 'wasm', '-e', 'sluice/authz/decision', '-o', 'bundle.tar.gz', ...names], { cwd: dir });
  return join(dir, 'bundle.tar.gz');
}
