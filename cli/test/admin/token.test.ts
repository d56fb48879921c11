import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdminToken } from '../../src/admin/token.js';
import { recordingLogger } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the admin token file', () => {
  it('is made on first start with 32 random bytes and mode 0600, logged by path only, and reused later', async () => {
    const path = join(dir, 'data', 'admin-token');
    const first = recordingLogger();
    const token = await loadAdminToken({ kind: 'file', path, create: true }, '127.0.0.1', first.logger);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token!, 'base64url')).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(first.lines.map((l) => l.fields.tokenFile)).toContain(path);
    expect(JSON.stringify(first.lines)).not.toContain(token);

    const again = await loadAdminToken({ kind: 'file', path, create: true }, '127.0.0.1', recordingLogger().logger);
    expect(again).toBe(token);
    const other = await loadAdminToken({ kind: 'file', path: join(dir, 'data2', 'admin-token'), create: true }, '127.0.0.1', recordingLogger().logger);
    expect(other).not.toBe(token);
  });

  it('is one token when several processes start at once', async () => {
    const path = join(dir, 'race', 'admin-token');
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => loadAdminToken({ kind: 'file', path, create: true }, '127.0.0.1', recordingLogger().logger)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(readFileSync(path, 'utf8').trim()).toBe(tokens[0]);
  });

  it.each([0o640, 0o604, 0o660, 0o644])('is refused when its mode is %o, with the fix in the message', async (mode) => {
    const path = join(dir, `open-${mode.toString(8)}`);
    writeFileSync(path, 'a-token-that-is-long-enough\n');
    chmodSync(path, mode);
    const failure = loadAdminToken({ kind: 'file', path, create: true }, '127.0.0.1', recordingLogger().logger);
    await expect(failure).rejects.toMatchObject({ code: 'SLUICE_ADMIN_TOKEN_FILE_UNSAFE' });
    await expect(failure).rejects.toThrow(`admin.tokenFile: ${path} has mode 0${mode.toString(8)}, so other users can read or change it; run chmod 600 ${path}`);
  });

  it('must exist when configured, and hold a token of 16 characters or more', async () => {
    const missing = join(dir, 'missing');
    await expect(loadAdminToken({ kind: 'file', path: missing, create: false }, '127.0.0.1', recordingLogger().logger)).rejects.toThrow(
      `admin.tokenFile: ${missing}: file not found`,
    );
    const short = join(dir, 'short');
    writeFileSync(short, 'abc\n', { mode: 0o600 });
    await expect(loadAdminToken({ kind: 'file', path: short, create: false }, '127.0.0.1', recordingLogger().logger)).rejects.toMatchObject({
      code: 'SLUICE_ADMIN_TOKEN_UNREADABLE',
    });
  });

  it('is not needed with admin.auth: none, which warns', async () => {
    const { logger, lines } = recordingLogger();
    expect(await loadAdminToken({ kind: 'none' }, '127.0.0.1', logger)).toBeNull();
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('admin.auth is none') })]);
  });
});
