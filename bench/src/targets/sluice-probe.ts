/** Sum of `sluice_events_produced_total` (every topic) over the /metrics of the given admin ports. */
export async function eventsProduced(adminPorts: readonly number[]): Promise<number> {
  let total = 0;
  for (const port of adminPorts) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('sluice_events_produced_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/** Rows in `sluice.events`, through the read-only SQL endpoint of the audit-sink process. */
export async function eventsStored(auditAdminPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${auditAdminPort}/admin/sql`, {
    method: 'POST',
    body: 'SELECT count() AS n FROM sluice.events',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`admin/sql ${res.status}: ${text.slice(0, 200)}`);
  return Number((JSON.parse(text.split('\n')[0] ?? '{}') as { n?: string | number }).n ?? NaN);
}
