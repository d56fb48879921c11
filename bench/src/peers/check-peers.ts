#!/usr/bin/env node
/**
 * Brings each peer up in front of the neutral backend, makes sequential echo calls through it, and stops it:
 *   node bench/dist/peers/check-peers.js [--calls N] [--port P] [name ...]
 * Prints one JSON line per peer (availability, exposed tool, latency percentiles, leftover processes) and exits 1
 * when an available peer failed. A direct run against the backend comes first, as the baseline.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { BackendEndpoint } from '../targets/target.js';
import { PEER_TARGETS } from './index.js';
import { descendantsOf, REPO_ROOT } from './peer-process.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { calls: { type: 'string', default: '200' }, port: { type: 'string', default: '4710' } },
});
const calls = Number(values.calls);
const port = Number(values.port);
const out = (record: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(record)}\n`);

/** Sequential echo calls over one SDK session; latency percentiles in ms. */
async function measure(url: string, tool: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'sluice-bench-check', version: '0.1.0' });
  await client.connect(transport);
  const times: number[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      const result = await client.callTool({ name: tool, arguments: { message: `m${i}` } });
      times.push(performance.now() - started);
      if (result.isError === true) throw new Error(`call ${i}: ${JSON.stringify(result).slice(0, 200)}`);
    }
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close();
  }
  times.sort((a, b) => a - b);
  const at = (q: number): string => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN).toFixed(2);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

const main = path.join(REPO_ROOT, 'bench', 'dist', 'backend', 'main.js');
const backendProcess = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: backendProcess.stdout! }).once('line', resolve);
  backendProcess.once('exit', (code) => reject(new Error(`backend exited with code ${String(code)}`)));
});
const backendPort = (JSON.parse(firstLine) as { port: number }).port;
const backend: BackendEndpoint = {
  url: `http://127.0.0.1:${backendPort}/mcp`,
  stdio: { command: process.execPath, args: [main, '--stdio'], env: {} },
};

let failed = false;
try {
  out({ target: 'direct', echoTool: 'echo', latencyMs: await measure(backend.url, 'echo') });
  for (const target of PEER_TARGETS.filter((t) => positionals.length === 0 || positionals.includes(t.name))) {
    const availability = await target.available();
    if (!availability.ok) {
      out({ target: target.name, available: false, reason: availability.reason });
      continue;
    }
    const started = performance.now();
    try {
      const running = await target.start(backend, port);
      const startMs = Math.round(performance.now() - started);
      const pids = [...running.pids];
      const headers = (running as { headers?: Record<string, string> }).headers ?? {};
      try {
        const latencyMs = await measure(running.url, running.echoTool, headers);
        out({ target: target.name, url: running.url, echoTool: running.echoTool, startMs, pids, auxiliaryPids: running.auxiliaryPids, latencyMs, describe: running.describe });
      } finally {
        await running.stop();
        const leftover = pids.flatMap((pid) => descendantsOf(pid).concat(isAlive(pid) ? [pid] : []));
        if (leftover.length > 0) {
          failed = true;
          out({ target: target.name, leftoverPids: leftover });
        }
      }
    } catch (error) {
      failed = true;
      out({ target: target.name, available: true, error: error instanceof Error ? error.message : String(error) });
    }
  }
} finally {
  backendProcess.kill('SIGTERM');
}
process.exitCode = failed ? 1 : 0;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
