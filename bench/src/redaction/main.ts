/**
 * CPU that redaction adds to one tools/call: the ingress redacting a 1 KB request and the router redacting its
 * 1 KB response, with the default rules. Variants alternate in every round (no secret: the pre-check only; a fake
 * AWS key pair and a bearer token in the arguments and the result: parse, walk, HMAC, re-encode). Prints µs of
 * process CPU per call for each round and the median.
 *
 *   node bench/dist/redaction/main.js [--calls 20000] [--rounds 7]
 */
import { parseArgs } from 'node:util';
import { Redactor, compileRuleSet, parseConfig } from '@sluice/core';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);

const config = parseConfig('redaction: { hashKey: bench-redaction-key-0123456789 }', 'bench.yaml');
const redactor = new Redactor(compileRuleSet(config.redaction), Buffer.from(config.redaction.hashKey ?? ''));

const secret = 'AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const pad = (text: string): string => text + ' lorem ipsum dolor sit amet'.repeat(40).slice(0, 1024 - text.length);
const request = (text: string): Buffer =>
  Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'bench__echo', arguments: { message: pad(text), limit: 10 } } }));
const response = (text: string): Buffer => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: pad(text) }] } }));

const VARIANTS = {
  'no secret': [request('plain request'), response('plain result')],
  'with secrets': [request(secret), response(secret)],
} as const;

function run([req, res]: readonly [Buffer, Buffer], n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    redactor.redact(req);
    redactor.redact(res, 'bench__echo');
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

for (const variant of Object.values(VARIANTS)) run(variant, calls / 4);
const results: Record<string, number[]> = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.entries(VARIANTS) : Object.entries(VARIANTS).reverse();
  for (const [name, variant] of order) results[name]!.push(run(variant, calls));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out = [`request ${VARIANTS['no secret'][0].length} B, response ${VARIANTS['no secret'][1].length} B; µs CPU per call (request + response)`];
for (const [name, xs] of Object.entries(results)) out.push(`${name.padEnd(13)} median ${median(xs).toFixed(2)}  rounds ${xs.map((x) => x.toFixed(2)).join(' ')}`);
process.stdout.write(`${out.join('\n')}\n`);
