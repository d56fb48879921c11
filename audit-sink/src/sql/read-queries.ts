import { AuditError } from '../errors.js';
import { parseAst } from './ast-tree.js';
import { checkCanonical } from './canonical-text.js';
import { CATALOG_QUERY, functionCatalog, type CatalogRow, type FunctionCatalog } from './function-catalog.js';
import type { ReadEngine } from './read-engine.js';
import { readError } from './read-errors.js';
import { checkStatement } from './statement-policy.js';
import { checkTenantTables, TENANT_TABLES_QUERY, tenantFilters, type TenantTableRow } from './tenant-scope.js';

const CANONICAL = 'SELECT formatQuerySingleLine({statement:String})';

/**
 * Read-only SQL for `POST /admin/sql`, classified by the engine's own parser rather than by a lexer of ours:
 * 1. the statement goes to the formatter as a bound value (data, never run), which answers it as one canonical
 *    line (comments gone, strings and spaces normalized) or refuses it (syntax, several statements);
 * 2. the canonical line must format to itself, so it is exactly the formatter's print of one parse;
 * 3. it must not mention OUTFILE nor hold odd names (`checkCanonical`), and is then `EXPLAIN AST`ed (parsed only);
 * 4. the tree must be a read of `sluice` calling no refused function (`checkStatement`);
 * 5. the canonical line, never the original text, runs on the engine with the read limits, in `sluice`; for a
 *    tenant-scoped caller, with `additional_table_filters` keeping every read of a `sluice` table to that tenant.
 */
export class ReadQueries {
  private catalog: Promise<FunctionCatalog> | null = null;

  constructor(private readonly engine: ReadEngine) {}

  /** Runs one read statement and answers its rows as JSON lines; with `tenant`, only that tenant's rows. */
  async query(sql: string, options: { signal?: AbortSignal; tenant?: string } = {}): Promise<string> {
    const { signal, tenant } = options;
    try {
      const canonical = await this.canonical(sql, signal);
      checkCanonical(canonical);
      const tree = parseAst(await this.engine.run(`EXPLAIN AST ${canonical}`, { format: 'TabSeparatedRaw', signal }));
      const kind = checkStatement(canonical, tree, await this.functions(signal));
      let tableFilters: string | undefined;
      if (tenant !== undefined) {
        const tables = (await this.engine.run(TENANT_TABLES_QUERY, { format: 'JSONEachRow', signal }))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as TenantTableRow);
        checkTenantTables(tree, tables);
        tableFilters = tenantFilters(tables, tenant);
      }
      return await this.engine.run(canonical, { format: 'JSONEachRow', caller: true, inSluice: true, stream: kind === 'select', tableFilters, signal });
    } catch (err) {
      throw readError(err, signal);
    }
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  private async canonical(sql: string, signal: AbortSignal | undefined): Promise<string> {
    const format = async (statement: string): Promise<string> =>
      (await this.engine.run(CANONICAL, { format: 'TabSeparatedRaw', params: { statement }, signal })).replace(/\n$/, '');
    const canonical = await format(sql);
    if (canonical === '') throw new AuditError('SLUICE_AUDIT_SQL_INVALID', 'the SQL holds no statement');
    if ((await format(canonical)) !== canonical) {
      throw new AuditError('SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED', 'the statement does not keep its meaning when formatted, so it cannot be checked');
    }
    return canonical;
  }

  private functions(signal: AbortSignal | undefined): Promise<FunctionCatalog> {
    this.catalog ??= this.engine.run(CATALOG_QUERY, { format: 'JSONEachRow', signal }).then(
      (text) => functionCatalog(text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as CatalogRow)),
      (err: unknown) => {
        this.catalog = null;
        throw err;
      },
    );
    return this.catalog;
  }
}
