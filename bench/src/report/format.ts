/** Milliseconds with two decimals, from microseconds. */
export const ms = (us: number): string => (us / 1000).toFixed(2);

/** A signed milliseconds difference, from microseconds. */
export const signedMs = (us: number): string => `${us >= 0 ? '+' : '−'}${Math.abs(us / 1000).toFixed(2)}`;

/** A rate: no decimals past 100, one below. */
export const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** A markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.map(esc).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
