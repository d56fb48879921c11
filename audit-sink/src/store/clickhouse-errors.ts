/** Text of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The numeric ClickHouse error code an error carries: the client's `code`, or the `Code: N.` the embedded engine
 * puts in its messages.
 */
export function clickHouseCode(err: unknown): string | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  return /\bCode: (\d+)\./.exec(messageOf(err))?.[1] ?? null;
}
