import { join } from 'node:path';
import { freePort } from '../run/managed-process.js';
import type { BenchSettings } from '../settings.js';
import { sluiceYaml } from './sluice-config.js';
import { readAdminToken, startSluiceProcess } from './sluice-process.js';
import type { BenchAuth } from './bench-auth.js';
import type { SluiceRunning, SluiceTarget } from './sluice-target.js';
import { scratchDir } from './scratch-dir.js';
import type { BackendEndpoint } from './target.js';

/** What an embedded scenario turns on. */
export interface EmbeddedMode {
  policy: boolean;
  audit: boolean;
}

/** S1–S3: every role in one process on the in-memory bus, with policy and chDB audit on or off. */
export function sluiceEmbeddedTarget(name: string, mode: EmbeddedMode, settings: Readonly<BenchSettings>, auth: BenchAuth | null): SluiceTarget {
  return {
    name,
    available: () => Promise.resolve({ ok: true }),
    async start(backend: BackendEndpoint, port: number): Promise<SluiceRunning> {
      const scratch = scratchDir(name);
      const adminPort = await freePort();
      const yaml = sluiceYaml({
        mcpPort: port,
        adminPort,
        backendUrl: backend.url,
        policy: mode.policy,
        auditPath: mode.audit ? join(scratch.dir, 'audit') : null,
        kafka: null,
        auth,
      });
      let proc;
      try {
        proc = await startSluiceProcess(settings, 'sluice', { dir: scratch.dir, yaml }, [], adminPort);
      } catch (err) {
        scratch.dispose();
        throw err;
      }
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        echoTool: 'bench__echo',
        pids: [proc.pid],
        auxiliaryPids: {},
        describe: {
          mode: 'embedded: one process, in-memory bus',
          policy: mode.policy ? 'default bundle' : 'off',
          audit: mode.audit ? 'chDB (embedded)' : 'off',
          auth: auth ? 'bearer JWT (ES256, JWKS file)' : 'off',
        },
        ...(auth ? { bearerTokens: auth.tokens } : {}),
        adminPorts: [adminPort],
        auditAdminPort: mode.audit ? adminPort : null,
        adminToken: readAdminToken(scratch.dir),
        roles: { all: proc.pid },
        async stop() {
          await proc.stop();
          scratch.dispose();
        },
      };
    },
  };
}
