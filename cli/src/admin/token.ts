import { randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { adminTokenProblem, type AdminCredentials, type Logger } from '@sluice/core';
import { AdminError } from '../errors.js';

const TOKEN_BYTES = 32;

/**
 * The admin bearer token the credentials name, or null for `admin.auth: none`. A generated token file is made on
 * first start (32 random bytes, base64url, mode 0600, created whole so processes starting together agree on one)
 * and read on later starts; a token file readable or writable by group or others is refused. Logs where the token
 * is, never the token.
 */
export async function loadAdminToken(credentials: AdminCredentials, host: string, logger: Logger): Promise<string | null> {
  switch (credentials.kind) {
    case 'none':
      logger.warn({ admin: host }, 'admin.auth is none: anyone who can reach the admin port may call it without credentials');
      return null;
    case 'env':
      logger.info({ tokenEnv: credentials.name }, 'admin token read from the environment');
      return credentials.token;
    case 'file': {
      const existing = await readTokenFile(credentials.path, credentials.create);
      if (existing !== null) {
        logger.info({ tokenFile: credentials.path }, 'admin token read from file: send it as "Authorization: Bearer <token>"');
        return existing;
      }
      const created = await createTokenFile(credentials.path);
      logger.info({ tokenFile: credentials.path }, 'admin token created: send it as "Authorization: Bearer <token>"');
      return created;
    }
  }
}

/** The token in `path`; null when it does not exist and may be created. */
async function readTokenFile(path: string, mayCreate: boolean): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && mayCreate) return null;
    const reason = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new AdminError('SLUICE_ADMIN_TOKEN_UNREADABLE', `admin.tokenFile: ${path}: ${reason}`, err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new AdminError('SLUICE_ADMIN_TOKEN_UNREADABLE', `admin.tokenFile: ${path}: not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new AdminError(
        'SLUICE_ADMIN_TOKEN_FILE_UNSAFE',
        `admin.tokenFile: ${path} has mode ${mode}, so other users can read or change it; run chmod 600 ${path}`,
      );
    }
    const token = (await handle.readFile('utf8')).trim();
    const problem = adminTokenProblem(token);
    if (problem) throw new AdminError('SLUICE_ADMIN_TOKEN_UNREADABLE', `admin.tokenFile: ${path}: the token ${problem}`);
    return token;
  } finally {
    await handle.close();
  }
}

/** Writes a new token to a private temporary file and links it into place: another process's token wins a race. */
async function createTokenFile(path: string): Promise<string> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await link(temporary, path);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readTokenFile(path, false))!;
    throw new AdminError('SLUICE_ADMIN_TOKEN_UNREADABLE', `admin.tokenFile: cannot create ${path}: ${(err as Error).message}`, err);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
