import { join } from 'node:path';
import type { Knobs } from '../backend/knobs.js';
import type { BackendEndpoint } from '../targets/target.js';
import { ROOT, type BenchSettings } from '../settings.js';
import { freePort, ManagedProcess, waitForOk } from './managed-process.js';

const MAIN = join(ROOT, 'bench/dist/backend/main.js');

/** The neutral backend process shared by every target of a run. */
export interface BackendProcess {
  endpoint: BackendEndpoint;
  pid: number;
  /** Applies knobs to every later call. */
  setKnobs(knobs: Partial<Knobs>): Promise<void>;
  /** Calls of the echo tool served so far. */
  calls(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the backend over HTTP, pinned with the processes under test. */
export async function startBackend(settings: Readonly<BenchSettings>): Promise<BackendProcess> {
  const port = await freePort();
  const proc = new ManagedProcess('backend', settings.sutCpus, process.execPath, [MAIN, '--impl', settings.backendImpl, '--port', String(port)]);
  const base = `http://127.0.0.1:${port}`;
  await waitForOk(proc, `${base}/healthz`, 15_000);
  const stats = async (): Promise<{ calls: number }> => (await fetch(`${base}/bench/stats`)).json() as Promise<{ calls: number }>;
  return {
    pid: proc.pid,
    endpoint: { url: `${base}/mcp`, stdio: { command: process.execPath, args: [MAIN, '--stdio'], env: {} } },
    async setKnobs(knobs) {
      const res = await fetch(`${base}/bench/knobs`, { method: 'PUT', body: JSON.stringify(knobs) });
      if (res.status !== 200) throw new Error(`backend refused knobs: ${await res.text()}`);
    },
    async calls() {
      return (await stats()).calls;
    },
    async stop() {
      await proc.stop(5_000);
    },
  };
}
