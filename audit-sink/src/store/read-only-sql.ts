import { AuditError } from '../errors.js';

/** Leading keywords of the statements `query()` accepts. */
export const READ_ONLY_KEYWORDS: readonly string[] = ['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS'];

interface Token {
  kind: 'word' | 'semicolon' | 'literal' | 'symbol';
  /** Upper-cased text for words. */
  text: string;
  start: number;
  end: number;
}

/**
 * Checks that `sql` is exactly one read-only statement and returns it without trailing semicolons and comments.
 * Comments (`--`, `#` and block comments, nested as ClickHouse nests them) and quoted strings and identifiers are
 * skipped, so a `;` or keyword inside them does not count. `INTO OUTFILE` is refused too: chDB writes the file even
 * under `readonly=1`. This is the first of two guards: the store also runs the statement with `readonly=1`.
 */
export function readOnlyStatement(sql: string): string {
  const tokens = tokenize(sql);
  const code = trimTrailingSemicolons(tokens);
  const first = code.find((t) => !(t.kind === 'symbol' && t.text === '('));
  if (!first) throw new AuditError('SLUICE_AUDIT_SQL_INVALID', 'the SQL holds no statement');
  if (first.kind !== 'word' || !READ_ONLY_KEYWORDS.includes(first.text)) {
    throw notReadOnly(`a statement starting with ${first.text.slice(0, 40)} is not read-only`);
  }
  if (code.some((t) => t.kind === 'semicolon')) throw notReadOnly('only one statement is allowed');
  const outfile = code.findIndex((t, i) => t.kind === 'word' && t.text === 'INTO' && code[i + 1]?.text === 'OUTFILE');
  if (outfile >= 0) throw notReadOnly('INTO OUTFILE writes a file');
  const last = code[code.length - 1]!;
  return sql.slice(code[0]!.start, last.end);
}

function notReadOnly(reason: string): AuditError {
  return new AuditError(
    'SLUICE_AUDIT_SQL_NOT_READ_ONLY',
    `${reason}: send exactly one ${READ_ONLY_KEYWORDS.join(' / ')} statement`,
  );
}

function trimTrailingSemicolons(tokens: Token[]): Token[] {
  let end = tokens.length;
  while (end > 0 && tokens[end - 1]!.kind === 'semicolon') end--;
  return tokens.slice(0, end);
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      i = lineEnd(sql, i);
    } else if (c === '#') {
      i = lineEnd(sql, i);
    } else if (c === '/' && sql[i + 1] === '*') {
      i = blockCommentEnd(sql, i);
    } else if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(sql, i);
      tokens.push({ kind: 'literal', text: sql.slice(start, i), start, end: i });
    } else if (c === ';') {
      i++;
      tokens.push({ kind: 'semicolon', text: ';', start, end: i });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i).toUpperCase(), start, end: i });
    } else {
      i++;
      tokens.push({ kind: 'symbol', text: c, start, end: i });
    }
  }
  return tokens;
}

function lineEnd(sql: string, from: number): number {
  const newline = sql.slice(from).search(/[\r\n]/);
  return newline < 0 ? sql.length : from + newline;
}

/** ClickHouse nests block comments, so this does too. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new AuditError('SLUICE_AUDIT_SQL_INVALID', 'a /* comment is not closed');
}

/** End of a quoted string or identifier: backslash escapes and a doubled quote both stay inside it. */
function quotedEnd(sql: string, from: number): number {
  const quote = sql[from]!;
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\\') {
      i += 2;
    } else if (c === quote && sql[i + 1] === quote) {
      i += 2;
    } else if (c === quote) {
      return i + 1;
    } else {
      i++;
    }
  }
  throw new AuditError('SLUICE_AUDIT_SQL_INVALID', `a ${quote}-quoted string or identifier is not closed`);
}
