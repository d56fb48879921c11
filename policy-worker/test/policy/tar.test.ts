import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readTar } from '../../src/policy/tar.js';

const run = promisify(execFile);

describe('readTar', () => {
  it('reads regular files, including names longer than a ustar header holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-tar-'));
    const long = `${'d'.repeat(120)}/${'f'.repeat(110)}.json`;
    await mkdir(join(dir, 'd'.repeat(120)));
    await writeFile(join(dir, long), '{"long":true}');
    await writeFile(join(dir, 'policy.wasm'), Buffer.alloc(1500, 7));
    for (const format of ['pax', 'gnu']) {
      await run('tar', [`--format=${format}`, '-cf', `${format}.tar`, 'policy.wasm', long], { cwd: dir });
      const files = readTar(await readFile(join(dir, `${format}.tar`)));
      expect([...files.keys()].sort()).toEqual([long, 'policy.wasm']);
      expect(files.get('policy.wasm')!.equals(Buffer.alloc(1500, 7))).toBe(true);
      expect(files.get(long)!.toString()).toBe('{"long":true}');
    }
  });

  it('rejects a truncated or damaged archive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-tar-'));
    await writeFile(join(dir, 'a.txt'), 'x'.repeat(2000));
    await run('tar', ['-cf', 'a.tar', 'a.txt'], { cwd: dir });
    const archive = await readFile(join(dir, 'a.tar'));
    expect(() => readTar(archive.subarray(0, 1024))).toThrow(/past the end/);
    const damaged = Buffer.from(archive);
    damaged[0] = 0x41;
    expect(() => readTar(damaged)).toThrow(/checksum/);
    expect(() => readTar(Buffer.alloc(0))).toThrow(/empty/);
  });
});
