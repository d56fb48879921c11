/** What the Sluice processes' /metrics say, summed over them. */
export interface GatewayMetrics {
  /** Events appended (`sluice_events_produced_total`). */
  produced: number;
  /** V8 heap in use (`sluice_nodejs_heap_size_used_bytes`), to tell the heap from native memory in the RSS. */
  heapUsedBytes: number;
}

/** Reads /metrics of every admin port (with the admin bearer token) and sums what `GatewayMetrics` holds. */
export async function gatewayMetrics(adminPorts: readonly number[], token: string): Promise<GatewayMetrics> {
  const sums: GatewayMetrics = { produced: 0, heapUsedBytes: 0 };
  for (const port of adminPorts) {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`metrics ${res.status}: ${text.slice(0, 200)}`);
    for (const line of text.split('\n')) {
      const value = () => Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.startsWith('sluice_events_produced_total{')) sums.produced += value();
      else if (line.startsWith('sluice_nodejs_heap_size_used_bytes ')) sums.heapUsedBytes += value();
    }
  }
  return sums;
}

/** Rows in `sluice.events`, through the read-only SQL endpoint of the audit-sink process. */
export async function eventsStored(auditAdminPort: number, token: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${auditAdminPort}/admin/sql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: 'SELECT count() AS n FROM sluice.events',
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`admin/sql ${res.status}: ${text.slice(0, 200)}`);
  return Number((JSON.parse(text.split('\n')[0] ?? '{}') as { n?: string | number }).n ?? NaN);
}
