/**
 * CPU of one publish → consume hop on the in-memory bus, through the `EventLog` every role uses: a 1 KB
 * `client.message` published and handed to one consumer group, with 32 keys in flight at once (as 32 sessions
 * would). Prints µs of process CPU per hop.
 *
 *   node bench/dist/bus-hop/main.js [--hops 100000] [--keys 32]
 */
import { parseArgs } from 'node:util';
import { EventLog, MemoryBus, newEvent } from '@sluice/core';

const { values } = parseArgs({ options: { hops: { type: 'string', default: '100000' }, keys: { type: 'string', default: '32' } } });
const hops = Number(values.hops);
const keys = Number(values.keys);

const bus = new MemoryBus();
const events = new EventLog(bus, 'bench.');
await events.ensureTopics();
const message = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'bench__echo', arguments: { message: 'x'.repeat(1024) } } }));
const waiting = new Map<string, () => void>();
await events.subscribe({ group: 'reader', topics: ['requests'] }, async (batch) => {
  for (const { event } of batch) {
    const done = event.requestId === null ? undefined : waiting.get(event.requestId);
    if (event.requestId !== null) waiting.delete(event.requestId);
    done?.();
  }
});

let next = 0;
async function hop(): Promise<void> {
  const n = next++;
  const requestId = `r-${n}`;
  const handled = new Promise<void>((resolve) => waiting.set(requestId, resolve));
  const body = { kind: 'request' as const, method: 'tools/call', jsonrpcId: String(n), redaction: null };
  await events.publish('requests', [newEvent('client.message', body, { tenant: 'default', sessionId: `s-${n % keys}`, requestId, message })]);
  await handled;
}

async function run(count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: keys }, async () => {
      while (left-- > 0) await hop();
    }),
  );
}

await run(Math.min(20_000, hops));
const before = process.cpuUsage();
await run(hops);
const used = process.cpuUsage(before);
process.stdout.write(`${JSON.stringify({ hops, keys, cpuUsPerHop: Number(((used.user + used.system) / hops).toFixed(2)) })}\n`);
await bus.close();
