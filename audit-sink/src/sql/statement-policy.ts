import { AuditError } from '../errors.js';
import type { AstNode } from './ast-tree.js';
import { ALLOWED_TABLE_FUNCTIONS, isRefusedFunction, type FunctionCatalog } from './function-catalog.js';

/** The statements `POST /admin/sql` runs; only `select` can be streamed by the embedded engine. */
export type StatementKind = 'select' | 'describe' | 'show-tables' | 'exists';

/** The one database statements may read. */
export const AUDIT_DATABASE = 'sluice';

const TOP: Record<string, StatementKind> = {
  SelectWithUnionQuery: 'select',
  DescribeQuery: 'describe',
  ShowTables: 'show-tables',
  ExistsTableQuery: 'exists',
};

/** Every node a read statement is made of; anything else (a new clause, a statement inside) is refused. */
const NODES = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'SelectQuery',
  'ExpressionList',
  'Identifier',
  'Literal',
  'Function',
  'Subquery',
  'WithElement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'SampleRatio',
  'OrderByElement',
  'InterpolateElement',
  'WindowDefinition',
  'WindowListElement',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsApplyTransformer',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
]);

/** A table name as the tree prints it, then an optional alias (without parentheses) and child count. */
const TABLE = /^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)(?: \(alias [^()]*\))?(?: \(children \d+\))?$/;
const NAME = /^(\S+)/;
const IN_FAMILY = /^(global)?(not)?(null)?in(ignoreset)?$/;

/**
 * Checks the tree of one canonical statement (the engine's own parse, see `ReadQueries`) and says what kind it is.
 * Allowed: SELECT (with WITH, UNION, INTERSECT, EXCEPT, joins, subqueries), DESCRIBE, SHOW TABLES, EXISTS TABLE, over
 * tables of `sluice` (unqualified names resolve there or to the statement's own WITH names) and the table functions
 * of {@link ALLOWED_TABLE_FUNCTIONS}; refused: other statements, SETTINGS / FORMAT / INTO OUTFILE, query
 * parameters, other databases, other table functions and the functions the catalog refuses.
 */
export function checkStatement(canonical: string, root: AstNode, catalog: FunctionCatalog): StatementKind {
  const kind = TOP[root.type];
  if (!kind) {
    throw new AuditError(
      'SLUICE_AUDIT_SQL_NOT_READ_ONLY',
      `the statement is a ${root.type}: send one SELECT, WITH, DESCRIBE, SHOW TABLES or EXISTS TABLE statement`,
    );
  }
  if (kind === 'show-tables') checkShowTables(canonical, root);
  if (kind === 'exists') checkExists(root);
  for (const child of root.children) check(child, root, catalog);
  if (kind === 'select') checkSelect(root);
  return kind;
}

function check(node: AstNode, parent: AstNode, catalog: FunctionCatalog): void {
  if (node.type === 'Set') throw clause('a SETTINGS clause (the limits of audit.sql apply)');
  if (node.type === 'QueryParameter') throw clause('a query parameter');
  if (!NODES.has(node.type)) throw clause(`a ${node.type} clause`);
  if (node.type === 'SelectWithUnionQuery') checkSelect(node);
  if (node.type === 'TableIdentifier') checkTable(node.detail);
  if (node.type === 'Function') checkFunction(node, parent, catalog);
  for (const child of node.children) check(child, node, catalog);
}

/** One child only: a second is a FORMAT name or an INTO OUTFILE target. */
function checkSelect(node: AstNode): void {
  if (node.children.length !== 1) throw clause('a FORMAT or INTO OUTFILE clause (answers are JSON lines)');
}

function checkTable(detail: string): void {
  const name = TABLE.exec(detail)?.[1];
  if (name === undefined) throw tableNotAllowed(detail.replace(/ \(.*$/, ''));
  const dot = name.indexOf('.');
  if (dot >= 0 && name.slice(0, dot) !== AUDIT_DATABASE) throw tableNotAllowed(name);
}

function checkFunction(node: AstNode, parent: AstNode, catalog: FunctionCatalog): void {
  const name = NAME.exec(node.detail)?.[1]?.toLowerCase() ?? '';
  if (parent.type === 'TableExpression') {
    if (!ALLOWED_TABLE_FUNCTIONS.has(name)) throw functionNotAllowed(name, 'table function');
    return;
  }
  if (isRefusedFunction(catalog, name)) throw functionNotAllowed(name, 'function');
  if (catalog.tableFunctions.has(name) && !catalog.functions.has(name)) throw functionNotAllowed(name, 'table function');
  if (IN_FAMILY.test(name)) {
    const target = node.children[0]?.children[1];
    if (target?.type === 'Identifier') checkTable(target.detail);
  }
}

function checkShowTables(canonical: string, root: AstNode): void {
  if (!/^SHOW (FULL )?TABLES\b/.test(canonical)) {
    throw new AuditError('SLUICE_AUDIT_SQL_NOT_READ_ONLY', 'of the SHOW statements only SHOW TABLES runs here');
  }
  for (const child of root.children) if (child.type === 'Identifier' && child.detail !== AUDIT_DATABASE) throw tableNotAllowed(child.detail);
}

function checkExists(root: AstNode): void {
  const names = root.children.filter((c) => c.type === 'Identifier');
  if (names.length > 1 && names[0]!.detail !== AUDIT_DATABASE) throw tableNotAllowed(names.map((n) => n.detail).join('.'));
}

function clause(what: string): AuditError {
  return new AuditError('SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED', `the statement has ${what}, which this endpoint does not run`);
}

function tableNotAllowed(name: string): AuditError {
  return new AuditError('SLUICE_AUDIT_SQL_TABLE_NOT_ALLOWED', `${name} is not a table of the ${AUDIT_DATABASE} database, the only one this endpoint reads`);
}

function functionNotAllowed(name: string, what: string): AuditError {
  const allowed = what === 'table function' ? ` (allowed: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')})` : '';
  return new AuditError(
    'SLUICE_AUDIT_SQL_FUNCTION_NOT_ALLOWED',
    `the ${what} ${name} reaches files, the network or data outside ${AUDIT_DATABASE}, and is refused${allowed}`,
  );
}
