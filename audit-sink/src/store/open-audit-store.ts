import type { AuditConfig, Logger } from '@sluice/core';
import { AuditError } from '../errors.js';
import type { AuditStore } from './audit-store.js';
import { ClickHouseAuditStore } from './clickhouse-store.js';
import { messageOf } from './clickhouse-errors.js';
import { disabledAuditStore } from './disabled-store.js';
import { MIGRATIONS } from './migrations.js';
import { openChdbClient, openServerClient, type OpenClient } from './open-client.js';

/**
 * Opens the audit store the config names (chDB on disk, a ClickHouse server, or off) and creates the `sluice`
 * database and its tables when missing.
 */
export async function openAuditStore(config: AuditConfig, logger: Logger): Promise<AuditStore> {
  if (config.kind === 'off') return disabledAuditStore();
  const opened: OpenClient = config.kind === 'chdb' ? await openChdbClient(config.path, logger) : await openServerClient(config, logger);
  try {
    for (const statement of MIGRATIONS) await opened.client.command({ query: statement });
  } catch (err) {
    await opened.release();
    throw new AuditError('SLUICE_AUDIT_MIGRATION_FAILED', `creating the audit tables failed: ${messageOf(err)}`, { cause: err });
  }
  logger.info({ audit: config.kind, migrations: MIGRATIONS.length }, 'audit store open');
  return new ClickHouseAuditStore(config.kind, opened.client, opened.reader, () => opened.release());
}
