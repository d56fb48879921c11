import type { Command } from 'commander';
import { AdminError } from '../errors.js';
import { sqlClient } from './admin-client.js';
import { DEFAULT_ADMIN_URL, isLoopbackUrl, resolveAdminTarget } from './admin-target.js';
import { fetchTrace } from './fetch-trace.js';
import { renderTrace } from './render.js';
import { parseTarget } from './target.js';

/** Exit codes of `sluice trace`. */
export const TRACE_EXIT = { found: 0, notFound: 1, usage: 2, admin: 3 } as const;

const MAX_LIMIT = 1000;

interface TraceOptions {
  session: boolean;
  json: boolean;
  limit: string;
  admin?: string;
  config?: string;
  tokenFile?: string;
  timeout: string;
}

/** Adds `sluice trace <id>` to `program`. */
export function addTraceCommand(program: Command): void {
  program
    .command('trace')
    .description("print one request's or one session's story from the audit store: every hop in time order")
    .argument('<id>', 'a request id (UUID) or a session id (hex)')
    .option('-s, --session', 'trace the whole session (of the session id, or of the request id given)', false)
    .option('--json', 'print the audit rows as /admin/sql answers them, as one JSON object', false)
    .option('-n, --limit <n>', `most requests of a session to show (1-${MAX_LIMIT})`, '100')
    .option('--admin <url>', `the admin port (default: the config's admin listener, else ${DEFAULT_ADMIN_URL})`)
    .option('-c, --config <file>', "the gateway's configuration: its admin listener and token")
    .option('--token-file <file>', 'a file holding the admin token (instead of the config\'s)')
    .option('--timeout <ms>', 'longest each statement may take', '30000')
    // Commander exits 1 on a usage error; here 1 means "not found", so usage errors exit 2.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : TRACE_EXIT.usage))
    .action(async (id: string, options: TraceOptions) => {
      process.exitCode = await trace(id, options);
    });
}

async function trace(id: string, options: TraceOptions): Promise<number> {
  try {
    const target = parseTarget(id, options.session);
    const limit = integer(options.limit, '--limit', 1, MAX_LIMIT);
    const admin = resolveAdminTarget({ ...options, timeoutMs: integer(options.timeout, '--timeout', 1, 3_600_000) });
    if (admin.token !== null && admin.url.protocol === 'http:' && !isLoopbackUrl(admin.url)) {
      process.stderr.write(`sluice: warning: sending the admin token over plain HTTP to ${admin.url.host}\n`);
    }
    const found = await fetchTrace(sqlClient(admin), target, limit);
    process.stdout.write(options.json ? `${JSON.stringify(found)}\n` : renderTrace(found));
    return TRACE_EXIT.found;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    process.stderr.write(`sluice: ${(err as Error).message}\n`);
    // Anything unforeseen happened while reading the audit: never exit 1, which says "not found".
    if (typeof code !== 'string' || !code.startsWith('SLUICE_TRACE_')) return TRACE_EXIT.admin;
    switch (code) {
      case 'SLUICE_TRACE_NOT_FOUND':
        return TRACE_EXIT.notFound;
      case 'SLUICE_TRACE_ADMIN_UNREACHABLE':
      case 'SLUICE_TRACE_ADMIN_REFUSED':
        return TRACE_EXIT.admin;
      default:
        return TRACE_EXIT.usage;
    }
  }
}

function integer(value: string, name: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new AdminError('SLUICE_TRACE_USAGE', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}
