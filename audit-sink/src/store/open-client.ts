import { mkdir, readFile } from 'node:fs/promises';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { AuditSqlLimits, Logger } from '@sluice/core';
import { AuditError } from '../errors.js';
import { chdbReadEngine } from '../sql/chdb-read-engine.js';
import type { ReadEngine } from '../sql/read-engine.js';
import { serverReadEngine } from '../sql/server-read-engine.js';
import { messageOf } from './clickhouse-errors.js';
import { clientLog } from './client-log.js';
import type { RawInsert } from './row-writer.js';

type ChdbConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

/** Open clients and how to release them. */
export interface OpenClient {
  /** For migrations and inserts. */
  client: ClickHouseClient;
  /** Runs the admin endpoint's statements, each with the read limits and nothing shared with another. */
  read: ReadEngine;
  /** chDB only: inserts on the writer's connection without going through the client (see `chdbRowWriter`). */
  rawInsert?: RawInsert;
  /** Closes the clients and frees what they hold. */
  release(): Promise<void>;
}

/**
 * Clients on the embedded chDB engine with its data in `path`. The engine locks the directory: a second process
 * gets `SLUICE_AUDIT_STORE_LOCKED`; this process may open one path at a time (opening it again shares it).
 *
 * Admin statements never use the writer's connection: chdb/connection applies a query's `clickhouse_settings` by
 * prefixing `SET` statements to its text, and what a session is left with would reach the next query. Each runs on a
 * session of its own instead (`chdbReadEngine`).
 */
export async function openChdbClient(path: string, logger: Logger, limits: AuditSqlLimits): Promise<OpenClient> {
  const [{ createChdbConnection }, { drainPending, Session }] = await Promise.all([import('chdb/connection'), import('chdb')]);
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
  const read = chdbReadEngine(Session, path, limits);
  return {
    client,
    read,
    rawInsert,
    release: async () => {
      await Promise.all([client.close(), read.close()]);
      // The engine frees the directory only once its last operation is done; another path may be opened after.
      await drainPending();
    },
  };
}

/** How to reach a ClickHouse server: the writer's credentials and, if any, the reader user's. */
export interface ServerOptions {
  url: string;
  username: string;
  password: string;
  readerUsername?: string;
  readerPassword: string;
  sql: AuditSqlLimits;
}

/**
 * Clients on a ClickHouse server, checked with a ping. Admin statements go through a second client, as the reader
 * user when one is configured (it needs SELECT on `sluice.*` only) and with `sluice` as its database; its per-query
 * settings stay with the query.
 */
export async function openServerClient(options: ServerOptions, logger: Logger): Promise<OpenClient> {
  const common = { url: options.url, application: 'sluice-audit-sink', log: clientLog(logger) };
  // A batch's id look-up binds thousands of ids: past the URL budget they go in a multipart body.
  const client = createClient({ ...common, username: options.username, password: options.password, use_multipart_params_auto: true });
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    throw new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `cannot reach ClickHouse at ${withoutCredentials(options.url)}: ${ping.error.message}`, {
      cause: ping.error,
    });
  }
  const reader = createClient({
    ...common,
    username: options.readerUsername ?? options.username,
    password: options.readerUsername === undefined ? options.password : options.readerPassword,
    database: 'sluice',
  });
  const read = serverReadEngine(reader, options.sql);
  return { client, read, release: async () => void (await Promise.all([client.close(), read.close()])) };
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
