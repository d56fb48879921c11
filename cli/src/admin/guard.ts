import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HostCheck } from '@sluice/core';
import { ADMIN_ERRORS, type AdminErrorCode } from '../errors.js';
import { grantAllows, type AdminGrant } from './grant.js';
import type { AdminJwtCheck } from './jwt-access.js';

/** Who may call the admin port. */
export interface AdminAccess {
  /** The bearer token; null: no credentials needed (`admin.auth: none`). */
  token: string | null;
  /** `open`: /metrics needs no token. */
  metrics: 'token' | 'open';
  hosts: HostCheck;
  /** Origins a browser request may come from; any other Origin header gets 403. */
  allowedOrigins: readonly string[];
  /** Checks a JWT access token (`admin.oauth`); null: only the admin token is accepted. */
  jwt?: AdminJwtCheck | null;
}

/** Why a request was refused, as the admin server answers it. */
export interface Refusal {
  status: number;
  code: AdminErrorCode;
  message: string;
  headers: Record<string, string>;
}

/** Checks one request before routing: what it may do, or why it is refused (a promise when a JWT is checked). */
export type AdminGuard = (req: IncomingMessage, path: string) => AdminGrant | Refusal | Promise<AdminGrant | Refusal>;

/** Whether the guard refused. */
export function isRefusal(outcome: AdminGrant | Refusal): outcome is Refusal {
  return 'status' in outcome;
}

const PROBES = new Set(['/healthz', '/readyz']);
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const CHALLENGE = 'Bearer realm="sluice-admin"';
const ADMIN: AdminGrant = { role: 'admin', user: null };
const PUBLIC: AdminGrant = { role: 'public' };

/**
 * The checks every admin request passes before routing: Host (DNS rebinding), Origin (browser pages), then a bearer
 * token on every path but the probes: the admin token (compared as SHA-256 digests with timingSafeEqual, so neither
 * its content nor its length shows in the time taken), or a JWT access token of `admin.oauth` whose role decides
 * what it may call.
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
    if (expected === null) return ADMIN;
    if (open.has(path)) return PUBLIC;
    const given = bearer(req.headers.authorization);
    if (given === null) {
      return refuse('SLUICE_ADMIN_UNAUTHORIZED', 'send the admin token or an access token as "Authorization: Bearer <token>"', { 'www-authenticate': CHALLENGE });
    }
    if (timingSafeEqual(digest(given), expected)) return ADMIN;
    if (!access.jwt || !COMPACT_JWT.test(given)) {
      return refuse('SLUICE_ADMIN_UNAUTHORIZED', 'the bearer token is wrong', { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    return access.jwt(given).then((outcome) => {
      if ('code' in outcome) {
        const error = outcome.error === null ? '' : `, error="${outcome.error}", error_description="${outcome.message.replace(/["\\]/g, '')}"`;
        return refuse(outcome.code, outcome.message, outcome.error === null ? {} : { 'www-authenticate': `${CHALLENGE}${error}` });
      }
      if (!grantAllows(outcome, req.method, path)) {
        return refuse('SLUICE_ADMIN_ROLE_FORBIDDEN', `the ${outcome.role} role may call only POST /admin/sql`);
      }
      return outcome;
    });
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
