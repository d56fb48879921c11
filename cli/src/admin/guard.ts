import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HostCheck } from '@sluice/core';
import { ADMIN_ERRORS, type AdminErrorCode } from '../errors.js';

/** Who may call the admin port. */
export interface AdminAccess {
  /** The bearer token; null: no credentials needed (`admin.auth: none`). */
  token: string | null;
  /** `open`: /metrics needs no token. */
  metrics: 'token' | 'open';
  hosts: HostCheck;
  /** Origins a browser request may come from; any other Origin header gets 403. */
  allowedOrigins: readonly string[];
}

/** Why a request was refused, as the admin server answers it. */
export interface Refusal {
  status: number;
  code: AdminErrorCode;
  message: string;
  headers: Record<string, string>;
}

/** Checks one request before routing; null lets it through. */
export type AdminGuard = (req: IncomingMessage, path: string) => Refusal | null;

const PROBES = new Set(['/healthz', '/readyz']);

/**
 * The checks every admin request passes before routing: Host (DNS rebinding), Origin (browser pages), then the
 * bearer token on every path but the probes. Tokens are compared as SHA-256 digests with timingSafeEqual, so
 * neither their content nor their length shows in the time taken.
 */
export function createAdminGuard(access: AdminAccess): AdminGuard {
  const expected = access.token === null ? null : digest(access.token);
  const origins = new Set(access.allowedOrigins.map(originOf).filter((o): o is string => o !== null));
  const open = new Set(PROBES);
  if (access.metrics === 'open') open.add('/metrics');
  return (req, path) => {
    if (!access.hosts.allows(req.headers.host)) {
      return refuse('SLUICE_ADMIN_HOST_FORBIDDEN', `Host ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))} is not a name of the admin listener`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(originOf(origin) ?? '')) {
      return refuse('SLUICE_ADMIN_ORIGIN_FORBIDDEN', `Origin ${JSON.stringify(origin.slice(0, 100))} may not call the admin port (admin.allowedOrigins)`);
    }
    if (expected === null || open.has(path)) return null;
    const given = bearer(req.headers.authorization);
    if (given === null) {
      return refuse('SLUICE_ADMIN_UNAUTHORIZED', 'send the admin token as "Authorization: Bearer <token>"', { 'www-authenticate': 'Bearer realm="sluice-admin"' });
    }
    if (!timingSafeEqual(digest(given), expected)) {
      return refuse('SLUICE_ADMIN_UNAUTHORIZED', 'the bearer token is wrong', { 'www-authenticate': 'Bearer realm="sluice-admin", error="invalid_token"' });
    }
    return null;
  };
}

function refuse(code: AdminErrorCode, message: string, headers: Record<string, string> = {}): Refusal {
  return { status: ADMIN_ERRORS[code].wire!.status, code, message, headers };
}

function bearer(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return match ? match[1]! : null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}
