/** One row of the engine's function lists. */
export interface CatalogRow {
  name: string;
  alias_to: string;
  categories: string;
  origin: string;
  is_table: number | string;
}

/** Names, lower-cased, the statement checks look functions up in. */
export interface FunctionCatalog {
  /** Scalar and aggregate functions a statement may not call. */
  refused: ReadonlySet<string>;
  /** Every table function the engine has. */
  tableFunctions: ReadonlySet<string>;
  /** Every scalar and aggregate function the engine has. */
  functions: ReadonlySet<string>;
}

/** The engine's functions and table functions, read once per store. */
export const CATALOG_QUERY = `SELECT name, alias_to, categories, toString(origin) AS origin, 0 AS is_table FROM system.functions
UNION ALL SELECT name, '', '', 'System', 1 FROM system.table_functions`;

/** Table functions a statement may read from: generated rows, nothing outside the statement. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'values', 'generateseries', 'generate_series']);

/**
 * Functions refused whatever the engine says of them: they read files (`file`, model files), reach other hosts
 * (`hasColumnInTable` with a host), read tables without naming them as tables (`joinGet`), or touch server state
 * (Keeper counters, the server log, server settings, macros, the TLS certificate).
 */
const REFUSED_FUNCTIONS = [
  'file',
  'catboostevaluate',
  'naivebayesclassifier',
  'naivebayesclassifierwithprob',
  'naivebayesclassifierwithallprobs',
  'hascolumnintable',
  'joinget',
  'joingetornull',
  'generateserialid',
  'logtrace',
  'getserversetting',
  'getmacro',
  'showcertificate',
  'getclienthttpheader',
];

/** Whole categories refused: model calls over the network, dictionaries (external sources), introspection. */
const REFUSED_CATEGORIES = ['AI', 'Dictionary', 'Embedded Dictionary', 'Introspection'];

/** True for names refused by their shape: dictionary look-ups and the engine's internal functions. */
function refusedByName(name: string): boolean {
  return REFUSED_FUNCTIONS.includes(name) || name.startsWith('dict') || name.startsWith('__');
}

/**
 * The catalog of the engine's rows: a function is refused when it is listed above, in a refused category, not a
 * built-in (a user-defined function may wrap any of these, or run a program), or an alias of a refused function.
 */
export function functionCatalog(rows: readonly CatalogRow[]): FunctionCatalog {
  const refused = new Set(REFUSED_FUNCTIONS);
  const tableFunctions = new Set<string>();
  const functions = new Set<string>();
  for (const row of rows) {
    const name = row.name.toLowerCase();
    if (Number(row.is_table) === 1) {
      tableFunctions.add(name);
      continue;
    }
    functions.add(name);
    const categories = row.categories.split(',').map((c) => c.trim());
    if (refusedByName(name) || row.origin !== 'System' || categories.some((c) => REFUSED_CATEGORIES.includes(c))) refused.add(name);
  }
  for (const row of rows) if (row.alias_to !== '' && refused.has(row.alias_to.toLowerCase())) refused.add(row.name.toLowerCase());
  return { refused, tableFunctions, functions };
}

/** True when the lower-cased `name` may not be called. */
export function isRefusedFunction(catalog: FunctionCatalog, name: string): boolean {
  return catalog.refused.has(name) || refusedByName(name);
}
