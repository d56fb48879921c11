import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditStore, type AuditStore } from '@sluice/audit-sink';
import { createLogger, parseConfig } from '@sluice/core';

/** A chDB audit store in a fresh temporary directory, as the gateway opens it. */
export interface ScratchStore {
  store: AuditStore;
  /** Closes the store and opens it again on the same directory, as a restarted process would. */
  reopen(): Promise<AuditStore>;
  /** Closes the store and removes the directory. */
  dispose(): Promise<void>;
}

const silent = createLogger('silent');

/** Opens a chDB store with the given batching settings in a new temporary directory. */
export async function scratchStore(batch: { maxRows: number; maxMs: number } = { maxRows: 5_000, maxMs: 200 }): Promise<ScratchStore> {
  const path = await mkdtemp(join(tmpdir(), 'sluice-audit-cost-'));
  const audit = { kind: 'chdb', path, batchMaxRows: batch.maxRows, batchMaxMs: batch.maxMs };
  const { audit: config } = parseConfig(JSON.stringify({ audit }), join(path, 'sluice.yaml'));
  const scratch: ScratchStore = {
    store: await openAuditStore(config, silent),
    reopen: async () => {
      await scratch.store.close();
      scratch.store = await openAuditStore(config, silent);
      return scratch.store;
    },
    dispose: async () => {
      await scratch.store.close();
      await rm(path, { recursive: true, force: true });
    },
  };
  return scratch;
}

/** Rows in `sluice.events` (all and distinct ids) and in `sluice.calls`. */
export async function storedCounts(store: AuditStore): Promise<{ events: number; distinctEvents: number; calls: number }> {
  const one = async (sql: string): Promise<Record<string, string | number>> => JSON.parse((await store.query(sql)).trim()) as Record<string, string | number>;
  const events = await one('SELECT count() AS n, uniqExact(event_id) AS u FROM sluice.events');
  const calls = await one('SELECT count() AS n FROM sluice.calls');
  return { events: Number(events.n), distinctEvents: Number(events.u), calls: Number(calls.n) };
}
