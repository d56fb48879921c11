import { mkdir, readFile } from 'node:fs/promises';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { Logger } from '@sluice/core';
import { AuditError } from '../errors.js';
import { messageOf } from './clickhouse-errors.js';
import { clientLog } from './client-log.js';
import type { RawInsert } from './row-writer.js';

type ChdbConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

/** Open clients and how to release them. */
export interface OpenClient {
  /** For migrations and inserts. */
  client: ClickHouseClient;
  /** For the admin endpoint's queries, which run with `readonly=1`. */
  reader: ClickHouseClient;
  /** chDB only: inserts on the writer's connection without going through the client (see `chdbRowWriter`). */
  rawInsert?: RawInsert;
  /** Closes the clients and frees what they hold. */
  release(): Promise<void>;
}

/**
 * Clients on the embedded chDB engine with its data in `path`. The engine locks the directory: a second process
 * gets `SLUICE_AUDIT_STORE_LOCKED`; this process may open one path at a time (opening it again shares it).
 *
 * The reader has a connection of its own: chdb/connection applies a query's `clickhouse_settings` as `SET`
 * statements on its session, so `readonly=1` would stay on the connection and make every later insert fail.
 */
export async function openChdbClient(path: string, logger: Logger): Promise<OpenClient> {
  const [{ createChdbConnection }, { drainPending }] = await Promise.all([import('chdb/connection'), import('chdb')]);
  try {
    await mkdir(path, { recursive: true });
  } catch (err) {
    throw new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `cannot create the chDB data directory ${path}: ${messageOf(err)}`, { cause: err });
  }
  const connect = async (): Promise<{ client: ClickHouseClient; rawInsert: RawInsert }> => {
    try {
      const connection = createChdbConnection({ path });
      // chdb types its connection with @clickhouse/client-common; @clickhouse/client bundles its own copy of those
      // declarations, which TypeScript does not unify (they hold a class with private members). Same contract.
      const client = createClient({ connection: connection as unknown as ChdbConnection, log: clientLog(logger) });
      return { client, rawInsert: (params) => connection.chdb.rawInsert(params) };
    } catch (err) {
      throw await chdbOpenError(path, err);
    }
  };
  const { client, rawInsert } = await connect();
  const { client: reader } = await connect().catch(async (err: unknown) => {
    await client.close();
    throw err;
  });
  return {
    client,
    reader,
    rawInsert,
    release: async () => {
      await Promise.all([client.close(), reader.close()]);
      // The engine frees the directory only once its last operation is done; another path may be opened after.
      await drainPending();
    },
  };
}

/** A client on a ClickHouse server, checked with a ping; its per-query settings stay with the query. */
export async function openServerClient(options: { url: string; username: string; password: string }, logger: Logger): Promise<OpenClient> {
  const client = createClient({
    url: options.url,
    username: options.username,
    password: options.password,
    application: 'sluice-audit-sink',
    log: clientLog(logger),
    // A batch's id look-up binds thousands of ids: past the URL budget they go in a multipart body.
    use_multipart_params_auto: true,
  });
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    throw new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `cannot reach ClickHouse at ${withoutCredentials(options.url)}: ${ping.error.message}`, {
      cause: ping.error,
    });
  }
  return { client, reader: client, release: () => client.close() };
}

async function chdbOpenError(path: string, err: unknown): Promise<AuditError> {
  const holder = await lockHolder(path);
  if (holder !== null) {
    return new AuditError(
      'SLUICE_AUDIT_STORE_LOCKED',
      `the chDB data directory ${path} is in use by process ${holder}: only one process may open it at a time`,
      { cause: err },
    );
  }
  return new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `cannot open the chDB data directory ${path}: ${messageOf(err)}`, { cause: err });
}

/**
 * The live process, other than this one, named in the engine's `status` file. The engine holds a lock on that file
 * while it runs and leaves it behind when killed, so a stale file (its process gone) does not count.
 */
async function lockHolder(path: string): Promise<number | null> {
  const status = await readFile(`${path}/status`, 'utf8').catch(() => '');
  const pid = Number(/^PID:\s*(\d+)/m.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
