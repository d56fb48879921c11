import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, opaPath } from '../support/opa.js';

const run = promisify(execFile);

describe('build-bundle.sh', () => {
  let env: NodeJS.ProcessEnv;
  const script = (root: string) => join(root, 'policy-worker/scripts/build-bundle.sh');

  beforeAll(async () => {
    env = { ...process.env, OPA: await opaPath() };
  }, 900_000);

  it('finds the committed default bundle current', async () => {
    const { stdout } = await run('bash', [script(REPO_ROOT), '--check'], { env });
    expect(stdout).toMatch(/bundle\.tar\.gz is current \(revision [0-9a-f]{12}\)/);
  }, 60_000);

  it('fails --check when the sources changed, and a rebuild (byte for byte reproducible) fixes it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-bundle-'));
    for (const dir of ['policy-worker/scripts', 'policy-worker/policy']) await cp(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
    await appendFile(join(root, 'policy-worker/policy/sluice.rego'), '\nextra := true\n');

    const stale = run('bash', [script(root), '--check'], { env });
    await expect(stale).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is stale') });

    await run('bash', [script(root)], { env });
    const built = await readFile(join(root, 'policy-worker/policy/bundle.tar.gz'));
    await run('bash', [script(root)], { env });
    expect((await readFile(join(root, 'policy-worker/policy/bundle.tar.gz'))).equals(built)).toBe(true);
    const { stdout } = await run('bash', [script(root), '--check'], { env });
    expect(stdout).toContain('is current');
  }, 60_000);
});
