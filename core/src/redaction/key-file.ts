import { randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SluiceError } from '../errors.js';

const KEY_BYTES = 32;
const MIN_KEY_CHARS = 32;

/** Name of the key file made under `dataDir` when `redaction.hashKey` is not set. */
export const REDACTION_KEY_FILE_NAME = 'redaction-key';

/**
 * The key in `path`, made on first start when absent (32 random bytes, base64url, mode 0600, created whole and
 * linked into place so processes starting together agree on one). A file readable or writable by group or
 * others, or holding too short a key, is refused with SLUICE_REDACTION_KEY_UNUSABLE.
 */
export async function loadKeyFile(path: string): Promise<string> {
  const existing = await readKeyFile(path, true);
  if (existing !== null) return existing;
  const key = randomBytes(KEY_BYTES).toString('base64url');
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temporary, `${key}\n`, { mode: 0o600, flag: 'wx' });
    await link(temporary, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readKeyFile(path, false)) as string;
    throw unusable(`cannot create ${path}: ${(err as Error).message}`, err);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

async function readKeyFile(path: string, mayCreate: boolean): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && mayCreate) return null;
    throw unusable(`${path}: ${(err as Error).message}`, err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw unusable(`${path}: not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw unusable(`${path} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, so other users can read or change it; run chmod 600 ${path}`);
    }
    const key = (await handle.readFile('utf8')).trim();
    if (key.length < MIN_KEY_CHARS) throw unusable(`${path}: the key must hold at least ${MIN_KEY_CHARS} characters`);
    return key;
  } finally {
    await handle.close();
  }
}

function unusable(message: string, cause?: unknown): SluiceError {
  return new SluiceError('SLUICE_REDACTION_KEY_UNUSABLE', `redaction key: ${message}`, { retriable: false, cause });
}
