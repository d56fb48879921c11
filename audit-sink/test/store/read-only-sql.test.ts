import { describe, expect, it } from 'vitest';
import { readOnlyStatement } from '../../src/store/read-only-sql.js';

const codeOf = (sql: string): string | null => {
  try {
    readOnlyStatement(sql);
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('readOnlyStatement', () => {
  it.each([
    'SELECT 1',
    'select count() from sluice.events',
    'WITH t AS (SELECT 1 AS n) SELECT n FROM t',
    '(SELECT 1) UNION ALL (SELECT 2)',
    'SHOW TABLES FROM sluice',
    'DESCRIBE TABLE sluice.calls',
    'DESC sluice.calls',
    'EXPLAIN SELECT 1',
    'EXISTS TABLE sluice.events',
    "SELECT 'a;b', \"c;d\", `e;f` FROM t",
    "SELECT 'it''s; DROP TABLE x'",
    "SELECT 'it\\'s; DROP TABLE x'",
    '-- a comment; DROP TABLE x\nSELECT 1',
    '/* DROP TABLE x; */ SELECT 1',
    '/* nested /* DROP TABLE x; */ still a comment; */ SELECT 1',
    'SELECT 1 # trailing comment; DROP TABLE x',
  ])('accepts %j', (sql) => {
    expect(codeOf(sql)).toBeNull();
  });

  it.each([
    'INSERT INTO sluice.events VALUES (1)',
    'DROP TABLE sluice.events',
    'SELECT 1; DROP TABLE x',
    'SELECT 1; SELECT 2',
    'SELECT 1;\n-- then\nALTER TABLE sluice.events DELETE WHERE 1',
    'ALTER TABLE sluice.events DELETE WHERE 1',
    'TRUNCATE TABLE sluice.calls',
    'CREATE TABLE x (a UInt8) ENGINE = Memory',
    'SET readonly = 0',
    'OPTIMIZE TABLE sluice.events FINAL',
    'SYSTEM STOP MERGES',
    '/* SELECT */ DELETE FROM sluice.events WHERE 1',
    "SELECT 1 INTO OUTFILE '/tmp/x.csv'",
    '; SELECT 1',
  ])('refuses %j as not read-only', (sql) => {
    expect(codeOf(sql)).toBe('SLUICE_AUDIT_SQL_NOT_READ_ONLY');
  });

  it.each(['', '   ', '-- only a comment', ';', "SELECT 'unterminated", 'SELECT 1 /* unterminated'])('refuses %j as invalid', (sql) => {
    expect(codeOf(sql)).toBe('SLUICE_AUDIT_SQL_INVALID');
  });

  it('returns the statement without trailing semicolons and comments', () => {
    expect(readOnlyStatement('  -- lead\n SELECT 1 ;; -- tail')).toBe('SELECT 1');
    expect(readOnlyStatement('SELECT 1 /* kept */ + 1;')).toBe('SELECT 1 /* kept */ + 1');
  });
});
