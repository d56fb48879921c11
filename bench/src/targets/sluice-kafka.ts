import { join } from 'node:path';
import { freePort, type ManagedProcess } from '../run/managed-process.js';
import type { BenchSettings } from '../settings.js';
import type { Broker } from './kafka-broker.js';
import { sluiceYaml } from './sluice-config.js';
import { readAdminToken, startSluiceProcess } from './sluice-process.js';
import type { BenchAuth } from './bench-auth.js';
import type { SluiceRunning, SluiceTarget } from './sluice-target.js';
import { scratchDir } from './scratch-dir.js';
import type { BackendEndpoint } from './target.js';

const ROLES = ['ingress', 'policy-worker', 'router', 'audit-sink'] as const;

/**
 * S4: the four roles as four processes on the local Kafka broker, policy on, chDB audit in the audit-sink
 * process. `topicPrefix` should be fresh for a run; starts within a run reuse it (consumer groups resume).
 */
export function sluiceKafkaTarget(name: string, settings: Readonly<BenchSettings>, broker: () => Broker | null, topicPrefix: string, auth: BenchAuth | null): SluiceTarget {
  return {
    name,
    async available() {
      return broker() ? { ok: true } : { ok: false, reason: `no Kafka broker answers at 127.0.0.1:${settings.kafkaPort}` };
    },
    async start(backend: BackendEndpoint, port: number): Promise<SluiceRunning> {
      const kafka = broker();
      if (!kafka) throw new Error(`no Kafka broker at 127.0.0.1:${settings.kafkaPort}`);
      const scratch = scratchDir(name);
      const admin = {} as Record<(typeof ROLES)[number], number>;
      for (const role of ROLES) admin[role] = await freePort();
      const procs: ManagedProcess[] = [];
      const stopAll = async (): Promise<void> => {
        await Promise.all(procs.map((p) => p.stop()));
        scratch.dispose();
      };
      try {
        // The roles start together; each waits on the log for what it needs.
        const settled = await Promise.allSettled(
          ROLES.map(async (role) => {
            const yaml = sluiceYaml({
              mcpPort: port,
              adminPort: admin[role],
              backendUrl: backend.url,
              policy: true,
              auditPath: join(scratch.dir, 'audit'),
              kafka: { broker: kafka.address, topicPrefix },
              nodeId: 'bench-edge-1',
              auth,
            });
            const proc = await startSluiceProcess(settings, role, { dir: scratch.dir, yaml }, [role], admin[role]);
            procs.push(proc);
            return proc;
          }),
        );
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
        const started = settled.map((s) => (s as PromiseFulfilledResult<ManagedProcess>).value);
        return {
          url: `http://127.0.0.1:${port}/mcp`,
          echoTool: 'bench__echo',
          pids: started.map((p) => p.pid),
          auxiliaryPids: kafka.pid === null ? {} : { broker: [kafka.pid] },
          describe: {
            mode: 'Kafka: four role processes',
            policy: 'default bundle',
            audit: 'chDB in the audit-sink process',
            broker: `${kafka.address} (Kafka ${kafka.version ?? '?'}; ${kafka.note})`,
            auth: auth ? 'bearer JWT (ES256, JWKS file)' : 'off',
          },
          ...(auth ? { bearerTokens: auth.tokens } : {}),
          adminPorts: ROLES.map((r) => admin[r]),
          auditAdminPort: admin['audit-sink'],
          adminToken: readAdminToken(scratch.dir),
          roles: Object.fromEntries(ROLES.map((r, i) => [r, started[i]!.pid])),
          stop: stopAll,
        };
      } catch (err) {
        await stopAll();
        throw err;
      }
    },
  };
}
