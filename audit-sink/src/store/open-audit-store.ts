import type { AuditConfig, Logger } from '@sluice/core';
import { AuditError } from '../errors.js';
import { ReadQueries } from '../sql/read-queries.js';
import type { AuditStore } from './audit-store.js';
import { ClickHouseAuditStore } from './clickhouse-store.js';
import { messageOf } from './clickhouse-errors.js';
import { DedupState, sharedDedupState } from './dedup-state.js';
import { disabledAuditStore } from './disabled-store.js';
import { MIGRATIONS } from './migrations.js';
import { openChdbClient, openServerClient, type OpenClient } from './open-client.js';
import { chdbRowWriter, clientRowWriter } from './row-writer.js';

/**
 * Opens the audit store the config names (chDB on disk, a ClickHouse server, or off) and creates the `sluice`
 * database and its tables when missing.
 *
 * On chDB this process is the directory's only writer, so the store reads the latest stored times once and from then
 * on looks up only rows older than those (see `StoredIds`), and inserts through chDB's passthrough insert. A server
 * may have other writers: every row not known stored by this store is looked up before its insert.
 */
export async function openAuditStore(config: AuditConfig, logger: Logger): Promise<AuditStore> {
  if (config.kind === 'off') return disabledAuditStore();
  const opened: OpenClient = config.kind === 'chdb' ? await openChdbClient(config.path, logger, config.sql) : await openServerClient(config, logger);
  try {
    for (const statement of MIGRATIONS) await opened.client.command({ query: statement });
  } catch (err) {
    await opened.release();
    throw new AuditError('SLUICE_AUDIT_MIGRATION_FAILED', `creating the audit tables failed: ${messageOf(err)}`, { cause: err });
  }
  if (config.kind === 'chdb' && opened.rawInsert) {
    let shared: Awaited<ReturnType<typeof sharedDedupState>>;
    try {
      shared = await sharedDedupState(config.path, opened.client);
    } catch (err) {
      await opened.release();
      throw new AuditError('SLUICE_AUDIT_STORE_UNAVAILABLE', `reading the audit tables failed: ${messageOf(err)}`, { cause: err });
    }
    logger.info({ audit: config.kind, migrations: MIGRATIONS.length }, 'audit store open');
    return new ClickHouseAuditStore(config.kind, opened.client, new ReadQueries(opened.read), chdbRowWriter(opened.rawInsert), shared.state, async () => {
      shared.release();
      await opened.release();
    });
  }
  logger.info({ audit: config.kind, migrations: MIGRATIONS.length }, 'audit store open');
  const unknown = new DedupState({ events: null, calls: null });
  return new ClickHouseAuditStore(config.kind, opened.client, new ReadQueries(opened.read), clientRowWriter(opened.client), unknown, () => opened.release());
}
