import { openAuditStore, startAuditSink, type AuditStore } from '@sluice/audit-sink';
import {
  EventLog,
  createBus,
  createLogger,
  createMetrics,
  topicPrefix,
  type Logger,
  type RunningService,
  type ServiceContext,
  type SluiceConfig,
} from '@sluice/core';
import { startIngress } from '@sluice/ingress';
import { startPolicyWorker } from '@sluice/policy-worker';
import { startRouter } from '@sluice/router';
import { startAdminServer, type SqlEndpoint } from './admin/server.js';
import { loadAdminToken } from './admin/token.js';
import type { Role } from './roles.js';

/** A running Sluice process. */
export interface SluiceProcess {
  services: readonly RunningService[];
  adminPort: number;
  logger: Logger;
  /** Drains every role in reverse start order, then closes the bus and the admin server. */
  stop(): Promise<void>;
}

const STARTERS: Record<Role, (ctx: ServiceContext) => Promise<RunningService>> = {
  'audit-sink': startAuditSink,
  router: startRouter,
  'policy-worker': startPolicyWorker,
  ingress: startIngress,
};

/** Starts the given roles in one process on the configured bus, plus the admin server. */
export async function startSluice(config: SluiceConfig, roles: readonly Role[]): Promise<SluiceProcess> {
  const logger = createLogger(config.log.level, { roles: roles.join(',') });
  const adminToken = await loadAdminToken(config.admin.credentials, config.admin.host, logger);
  const metrics = createMetrics();
  const bus = createBus(config.bus, logger);
  const events = new EventLog(bus, topicPrefix(config.bus), metrics, logger);
  await events.ensureTopics();
  const ctx: ServiceContext = { config, events, logger, metrics };

  const services: RunningService[] = [];
  let queryStore: AuditStore | null = null;
  const stopAll = async (): Promise<void> => {
    for (const service of [...services].reverse()) {
      try {
        await service.stop();
      } catch (err) {
        logger.error({ err, role: service.name }, 'role did not stop cleanly');
      }
    }
    await queryStore?.close();
    await bus.close();
  };

  let sql: SqlEndpoint | null = null;
  try {
    for (const role of roles) {
      const service = await STARTERS[role](ctx);
      services.push(service);
      if (role === 'audit-sink') sql = (service as RunningService & { store: AuditStore }).store;
      logger.info({ role }, 'role started');
    }
    if (!sql && config.audit.kind === 'clickhouse') {
      queryStore = await openAuditStore(config.audit, logger);
      sql = queryStore;
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  let admin: Awaited<ReturnType<typeof startAdminServer>>;
  try {
    admin = await startAdminServer(config.admin, adminToken, { services: () => services, metrics, sql, logger, defaultTenant: config.ingress.tenant });
  } catch (err) {
    await stopAll();
    if ((err as { code?: unknown }).code === 'SLUICE_ADMIN_AUTH_CONFIG') throw err;
    throw new Error(`admin.port: cannot listen on ${config.admin.host}:${config.admin.port} (${(err as Error).message})`);
  }
  const credentials = config.admin.credentials;
  const adminTokenFile = credentials.kind === 'file' ? { adminTokenFile: credentials.path } : {};
  logger.info({ admin: `${config.admin.host}:${admin.port}`, ...adminTokenFile, bus: bus.kind }, 'sluice started');
  return {
    services,
    adminPort: admin.port,
    logger,
    stop: async () => {
      await stopAll();
      await admin.close();
    },
  };
}
