import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess, waitForOk } from '../run/managed-process.js';
import { ROOT, type BenchSettings } from '../settings.js';

const CLI = join(ROOT, 'cli/dist/main.js');

/** The admin token a started gateway made in its default data directory (`.sluice` beside its config in `dir`). */
export function readAdminToken(dir: string): string {
  return readFileSync(join(dir, '.sluice', 'admin-token'), 'utf8').trim();
}

/**
 * Starts one `sluice start` process from the built CLI (pinned with the processes under test, with the extra node
 * flags of SLUICE_BENCH_NODE_ARGS) and waits until its /readyz answers 200.
 */
export async function startSluiceProcess(
  settings: Readonly<BenchSettings>,
  name: string,
  config: { dir: string; yaml: string },
  roles: readonly string[],
  adminPort: number,
): Promise<ManagedProcess> {
  const file = join(config.dir, `${name}.yaml`);
  writeFileSync(file, config.yaml);
  const args = [...settings.gatewayNodeArgs, CLI, 'start', '--config', file, ...roles.flatMap((r) => ['--role', r])];
  const proc = new ManagedProcess(name, settings.sutCpus, process.execPath, args, { cwd: ROOT });
  try {
    await waitForOk(proc, `http://127.0.0.1:${adminPort}/readyz`, 120_000);
  } catch (err) {
    await proc.stop(2_000);
    throw err;
  }
  return proc;
}
