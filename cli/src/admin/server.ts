import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHostCheck, type AdminConfig, type HostCheck, type Logger, type Metrics, type RunningService } from '@sluice/core';
import type { AdminGrant } from './grant.js';
import { createAdminGuard, isRefusal, type AdminGuard, type Refusal } from './guard.js';
import { createAdminJwtCheck } from './jwt-access.js';

const MAX_SQL_BYTES = 64 * 1024;

/**
 * Answers read-only SQL over the audit store, or says why it cannot; aborting `signal` stops the statement; with
 * `tenant`, only that tenant's rows are read.
 */
export interface SqlEndpoint {
  query(sql: string, options?: { signal?: AbortSignal; tenant?: string }): Promise<string>;
}

/** What the admin server reports on. */
export interface AdminDeps {
  services: () => readonly RunningService[];
  metrics: Metrics;
  /** Null when no audit store is reachable from this process. */
  sql: SqlEndpoint | null;
  logger: Logger;
  /** Tenant of an auditor token when `admin.oauth.claims.tenant` is null: `ingress.tenant` (default `default`). */
  defaultTenant?: string;
}

/**
 * The admin HTTP server: health, readiness, Prometheus metrics and read-only SQL over the audit store. Every request
 * passes the Host, Origin and bearer-token checks of `config` before routing; `token` null means `admin.auth: none`.
 * With `config.oauth`, JWT access tokens are accepted too: role `admin` calls everything, role `auditor` only
 * `POST /admin/sql`, over its tenant's rows.
 */
export async function startAdminServer(config: AdminConfig, token: string | null, deps: AdminDeps): Promise<{ port: number; close(): Promise<void> }> {
  const jwt = config.oauth ? createAdminJwtCheck(config.oauth, deps.defaultTenant ?? 'default') : null;
  let checks: { hosts: HostCheck; guard: AdminGuard } | undefined;
  // Built on first use, once the bound port (config may ask for 0) is known.
  const checksFor = (): { hosts: HostCheck; guard: AdminGuard } => {
    if (checks) return checks;
    const hosts = createHostCheck({ bindHost: config.host, port: (server.address() as AddressInfo).port, allowedHosts: config.allowedHosts });
    checks = { hosts, guard: createAdminGuard({ token, metrics: config.metrics, hosts, allowedOrigins: config.allowedOrigins, jwt }) };
    return checks;
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const fail = (err: unknown): void => send(res, 500, { error: { code: 'SLUICE_ADMIN_INTERNAL', message: String(err) } });
    const serve = (outcome: AdminGrant | Refusal): void => {
      if (isRefusal(outcome)) return refuse(res, outcome);
      handle(req, res, deps, outcome).catch(fail);
    };
    const outcome = checksFor().guard(req, path);
    if (outcome instanceof Promise) outcome.then(serve, fail);
    else serve(outcome);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (checksFor().hosts.anyHost) {
    deps.logger.warn({ admin: `${config.host}:${port}` }, 'admin.host is not loopback and admin.allowedHosts is empty: any Host header is accepted');
  }
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: AdminDeps, grant: AdminGrant): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const route = `${req.method} ${path}`;
  switch (route) {
    case 'GET /healthz':
      return send(res, 200, { status: 'ok' });
    case 'GET /readyz': {
      const roles = Object.fromEntries(deps.services().map((s) => [s.name, s.ready()]));
      const ready = Object.values(roles).length > 0 && Object.values(roles).every(Boolean);
      return send(res, ready ? 200 : 503, { ready, roles });
    }
    case 'GET /metrics': {
      const body = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(body);
      return;
    }
    case 'POST /admin/sql':
      return sql(req, res, deps, grant);
    default:
      if (['/healthz', '/readyz', '/metrics', '/admin/sql'].includes(path ?? '')) {
        return send(res, 405, { error: { code: 'SLUICE_ADMIN_METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${path}` } });
      }
      return send(res, 404, { error: { code: 'SLUICE_ADMIN_NOT_FOUND', message: `no admin endpoint ${path}` } });
  }
}

async function sql(req: IncomingMessage, res: ServerResponse, deps: AdminDeps, grant: AdminGrant): Promise<void> {
  const endpoint = deps.sql;
  if (!endpoint) {
    return send(res, 503, {
      error: { code: 'SLUICE_ADMIN_NO_AUDIT_STORE', message: 'no audit store in this process: ask the process running the audit-sink role' },
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_SQL_BYTES) return send(res, 413, { error: { code: 'SLUICE_ADMIN_SQL_TOO_LARGE', message: `SQL over ${MAX_SQL_BYTES} bytes` } });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return send(res, 400, { error: { code: 'SLUICE_ADMIN_SQL_EMPTY', message: 'the body must be one SQL statement' } });
  const gone = new AbortController();
  const abort = (): void => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', abort);
  try {
    const tenant = grant.role === 'auditor' ? { tenant: grant.tenant } : {};
    if (grant.role === 'auditor') deps.logger.info({ role: grant.role, tenant: grant.tenant, user: grant.user, tokenId: grant.tokenId }, 'admin SQL by an auditor');
    const rows = await endpoint.query(text, { signal: gone.signal, ...tenant });
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    res.end(rows);
  } catch (err) {
    if (gone.signal.aborted) return;
    const code = (err as { code?: unknown }).code;
    const message = (err as Error).message;
    if (typeof code === 'string' && code.startsWith('SLUICE_AUDIT_')) {
      const status = code.startsWith('SLUICE_AUDIT_SQL_') ? 400 : 503;
      return send(res, status, { error: { code, message } });
    }
    throw err;
  } finally {
    res.off('close', abort);
  }
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(refusal.status, { ...refusal.headers, 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error: { code: refusal.code, message: refusal.message } }));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
