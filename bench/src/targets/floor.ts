import { join } from 'node:path';
import { ManagedProcess, waitForOk } from '../run/managed-process.js';
import { ROOT, type BenchSettings } from '../settings.js';
import type { BackendEndpoint, RunningTarget, Target } from './target.js';

const MAIN = join(ROOT, 'bench/dist/floor/main.js');

/**
 * F0: the bare forwarder (`src/floor/main.ts`), pinned with the processes under test. What it costs per call is
 * what any Node.js process in the path costs here (an HTTP server and an HTTP client), before a gateway does
 * anything of its own.
 */
export function floorTarget(settings: Readonly<BenchSettings>): Target {
  return {
    name: 'bare-forwarder',
    available: () => Promise.resolve({ ok: true }),
    async start(backend: BackendEndpoint, port: number): Promise<RunningTarget> {
      const proc = new ManagedProcess('bare-forwarder', settings.sutCpus, process.execPath, [MAIN, '--port', String(port), '--upstream', backend.url]);
      try {
        await waitForOk(proc, `http://127.0.0.1:${port}/healthz`, 15_000);
      } catch (err) {
        await proc.stop(2_000);
        throw err;
      }
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        echoTool: 'echo',
        pids: [proc.pid],
        auxiliaryPids: {},
        describe: { mode: 'bare forwarder: node:http server → undici pool → backend, bodies not parsed' },
        stop: async () => {
          await proc.stop(5_000);
        },
      };
    },
  };
}
