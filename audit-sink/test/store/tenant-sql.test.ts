import { Session } from 'chdb';
import type { SluiceEvent } from '@sluice/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuditBatch } from '../../src/rows/audit-batch.js';
import type { AuditStore } from '../../src/store/audit-store.js';
import { openAuditStore } from '../../src/store/open-audit-store.js';
import { chdbAudit, erroredCall, jsonRows, oneOfEach, silent, tempDir, type TempDir } from '../support.js';

const A = 'acme';
// Tenant B's name holds a quote and a backslash, so a filter quoted carelessly would break or widen.
const B = "o'brien\\corp";

const consumed = (events: SluiceEvent[]) =>
  events.map((event, i) => ({
    event,
    record: { topic: 'sluice.requests', partition: 0, offset: String(i), key: null, value: Buffer.alloc(0), headers: {}, timestamp: 0 },
  }));

const refusal = (work: Promise<unknown>): Promise<{ code: string; message: string } | null> =>
  work.then(
    () => null,
    (err: unknown) => err as { code: string; message: string },
  );

describe('POST /admin/sql for an auditor: the engine keeps every read to the auditor tenant', () => {
  let dir: TempDir;
  let store: AuditStore;

  beforeAll(async () => {
    dir = await tempDir();
    store = await openAuditStore(chdbAudit(dir.path), silent);
    // Tenant A: one session with one call (7 events, 1 call). Tenant B: the same plus a failed call (11 events, 2 calls).
    const b = [...oneOfEach('s-b', 'r-b1'), ...erroredCall('s-b', 'r-b2', 1_767_225_600_100)].map((e) => ({ ...e, tenant: B }) as SluiceEvent);
    await store.write(toAuditBatch(consumed([...oneOfEach('s-a', 'r-a'), ...b])));
    const session = new Session(dir.path);
    session.query("CREATE TABLE sluice.notes (note String) ENGINE = MergeTree ORDER BY tuple()");
    session.query("INSERT INTO sluice.notes VALUES ('shared secret')");
    session.close();
  });

  afterAll(async () => {
    await store?.close();
    await dir?.remove();
  });

  it('lets an admin (no tenant) read every tenant', async () => {
    expect(jsonRows(await store.query('SELECT count() AS n FROM sluice.calls'))).toEqual([{ n: 3 }]);
    expect(jsonRows(await store.query('SELECT tenant, count() AS n FROM events GROUP BY tenant ORDER BY tenant'))).toEqual([
      { tenant: A, n: 7 },
      { tenant: B, n: 11 },
    ]);
    expect(jsonRows(await store.query('SELECT note FROM notes'))).toEqual([{ note: 'shared secret' }]);
  });

  it.each<[string, unknown[]]>([
    ['SELECT count() AS n FROM sluice.calls', [{ n: 1 }]],
    ['SELECT count() AS n FROM calls', [{ n: 1 }]],
    ['SELECT count() AS n FROM sluice.events AS e', [{ n: 7 }]],
    ['SELECT DISTINCT tenant FROM events', [{ tenant: A }]],
    ['SELECT count() AS n FROM events AS e INNER JOIN calls AS c ON e.request_id = c.request_id', [{ n: 4 }]],
    ['SELECT count() AS n FROM calls AS c1 CROSS JOIN sluice.calls AS c2', [{ n: 1 }]],
    ['SELECT count() AS n FROM (SELECT tenant FROM calls UNION ALL SELECT tenant FROM events)', [{ n: 8 }]],
    ['SELECT count() AS n FROM (SELECT * FROM (SELECT * FROM sluice.events))', [{ n: 7 }]],
    ['WITH x AS (SELECT tenant FROM events) SELECT count() AS n FROM x', [{ n: 7 }]],
    ['SELECT count() AS n FROM events WHERE request_id IN (SELECT request_id FROM calls)', [{ n: 4 }]],
    ['SELECT tenant, count() AS n FROM events GROUP BY tenant', [{ tenant: A, n: 7 }]],
    ['SELECT (SELECT groupArray(tenant) FROM calls) AS t', [{ t: [A] }]],
    ['SELECT count() AS n FROM calls FINAL', [{ n: 1 }]],
    [`SELECT count() AS n FROM events WHERE tenant != '${A}'`, [{ n: 0 }]],
    ['SELECT uniqExact(session_id) AS n FROM events PREWHERE session_id != \'\'', [{ n: 1 }]],
    ['SELECT count() AS n FROM events INTERSECT SELECT count() AS n FROM events', [{ n: 7 }]],
    ['SELECT max(latency_ms) AS n FROM calls WHERE (SELECT count() FROM calls) > 0', [{ n: 26 }]],
  ])('an auditor of A reads only A rows: %s', async (sql, expected) => {
    const text = await store.query(sql, { tenant: A });
    expect(jsonRows(text)).toEqual(expected);
    expect(text).not.toContain('brien');
  });

  it('answers an auditor of A every column of A rows and none of B', async () => {
    const rows = jsonRows<{ tenant: string; request_id: string }>(await store.query('SELECT * FROM calls', { tenant: A }));
    expect(rows.map((r) => [r.tenant, r.request_id])).toEqual([[A, 'r-a']]);
    const tenants = jsonRows<{ tenant: string }>(await store.query('SELECT tenant FROM events UNION ALL SELECT tenant FROM calls', { tenant: A }));
    expect(tenants).toHaveLength(8);
    expect(new Set(tenants.map((r) => r.tenant))).toEqual(new Set([A]));
  });

  it('keeps the auditor of B, whose name holds a quote and a backslash, to B rows', async () => {
    expect(jsonRows(await store.query('SELECT tenant, count() AS n FROM events GROUP BY tenant', { tenant: B }))).toEqual([{ tenant: B, n: 11 }]);
    expect(jsonRows(await store.query('SELECT count() AS n FROM calls', { tenant: B }))).toEqual([{ n: 2 }]);
  });

  it('answers no row to a tenant name that tries to widen the filter', async () => {
    for (const tenant of [`${A}' OR '1'='1`, `x') OR 1 --`, "'},{'sluice.calls':'1"]) {
      expect(jsonRows(await store.query('SELECT count() AS n FROM events', { tenant })), tenant).toEqual([{ n: 0 }]);
    }
  });

  it('refuses an auditor a table without a tenant column, and the filter cannot be lifted', async () => {
    for (const sql of ['SELECT note FROM notes', 'SELECT * FROM sluice.notes AS n', 'SELECT count() FROM calls WHERE request_id IN sluice.notes']) {
      expect(await refusal(store.query(sql, { tenant: A })), sql).toMatchObject({ code: 'SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED', message: expect.stringContaining('notes') });
    }
    // Named as a bare identifier, the table passes the check but the engine filter answers no row of it.
    expect(jsonRows(await store.query('SELECT count() AS n FROM calls WHERE request_id IN notes', { tenant: A }))).toEqual([{ n: 0 }]);
    const lift = 'SELECT count() AS n FROM calls SETTINGS additional_table_filters = {}';
    expect(await refusal(store.query(lift, { tenant: A }))).toMatchObject({ code: 'SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED' });
    for (const sql of ['SELECT count() AS n FROM merge(\'sluice\', \'.*\')', "SELECT count() AS n FROM clusterAllReplicas('default', sluice.calls)"]) {
      expect(await refusal(store.query(sql, { tenant: A })), sql).toMatchObject({ code: 'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED' });
    }
  });
});
