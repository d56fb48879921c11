import { AuditError } from '../errors.js';
import type { AstNode } from './ast-tree.js';
import { AUDIT_DATABASE } from './statement-policy.js';

/** The column every tenant-scoped table holds. */
export const TENANT_COLUMN = 'tenant';

/** Each table of `sluice`, and whether it has the tenant column. */
export const TENANT_TABLES_QUERY = `SELECT table, max(name = '${TENANT_COLUMN}') AS tenanted FROM system.columns WHERE database = '${AUDIT_DATABASE}' GROUP BY table ORDER BY table`;

/** A row of {@link TENANT_TABLES_QUERY}. */
export interface TenantTableRow {
  table: string;
  tenanted: number | string;
}

const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

/**
 * The value of the engine setting `additional_table_filters` that keeps a statement to `tenant`'s rows: every read of
 * a table of `sluice` (whatever the statement calls it: unqualified, aliased, in a join, subquery, UNION, WITH or IN)
 * gets `tenant = '<tenant>'`, and a table without the column gets `0` (no row). The tenant travels hex-encoded, so
 * no quote or backslash of it reaches the two levels of SQL string it sits in.
 */
export function tenantFilters(tables: readonly TenantTableRow[], tenant: string): string {
  const value = `${TENANT_COLUMN} = unhex('${Buffer.from(tenant, 'utf8').toString('hex')}')`;
  const entries = tables.map(({ table, tenanted }) => {
    // Names outside [A-Za-z0-9_] cannot be read here (statement-policy refuses them), nor be a map key unquoted.
    if (!PLAIN_NAME.test(table)) return null;
    const filter = Number(tenanted) === 1 ? value : '0';
    return `'${AUDIT_DATABASE}.${table}':'${filter.replace(/'/g, "\\'")}'`;
  });
  return `{${entries.filter((e): e is string => e !== null).join(',')}}`;
}

/**
 * Refuses a statement of a tenant-scoped caller that names a table of `sluice` without the tenant column (the
 * engine's filter would answer it no row; this says why).
 */
export function checkTenantTables(root: AstNode, tables: readonly TenantTableRow[]): void {
  const unscoped = new Set(tables.filter((t) => Number(t.tenanted) !== 1).map((t) => t.table));
  if (unscoped.size === 0) return;
  const visit = (node: AstNode): void => {
    if (node.type === 'TableIdentifier' || node.type === 'Identifier') {
      const name = /^(\S+)/.exec(node.detail)?.[1] ?? '';
      const table = name.startsWith(`${AUDIT_DATABASE}.`) ? name.slice(AUDIT_DATABASE.length + 1) : name;
      if (node.type === 'TableIdentifier' ? unscoped.has(table) : name !== table && unscoped.has(table)) {
        throw new AuditError('SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED', `${AUDIT_DATABASE}.${table} has no ${TENANT_COLUMN} column, so an auditor may not read it`);
      }
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
}
