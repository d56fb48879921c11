import { AuditError } from '../errors.js';

/**
 * Checks text the engine's formatter printed (strings in `'…'`, names in backquotes, both with backslash escapes,
 * no comments). Refused: `OUTFILE` anywhere, since the formatter prints `INTO OUTFILE` in plain words and the text
 * is `EXPLAIN`ed next (which would write the file); and a backquoted name holding an escape (a line break, a quote, a
 * backslash), since `EXPLAIN AST` prints names raw and a line break there would fake lines of the tree.
 * Outside those two cases the scan decides nothing: the engine's parse does.
 */
export function checkCanonical(text: string): void {
  if (/outfile/i.test(text)) throw new AuditError('SLUICE_AUDIT_SQL_NOT_READ_ONLY', 'INTO OUTFILE writes a file: the statement is refused');
  let i = 0;
  while (i < text.length) {
    const quote = text[i];
    if (quote !== "'" && quote !== '`') {
      i++;
      continue;
    }
    i++;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        if (quote === '`') throw new AuditError('SLUICE_AUDIT_SQL_CLAUSE_NOT_ALLOWED', 'a name holds a control character, a quote or a backslash');
        i++;
      }
      i++;
    }
    i++;
  }
}
