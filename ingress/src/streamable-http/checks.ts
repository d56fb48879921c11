import { principalKey, type VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import type { RequestHead } from '../http/exchange.js';
import { isOriginAllowed } from '../http/origin.js';
import type { Session } from '../sessions/session-store.js';
import { LEGACY_PROTOCOL_VERSIONS } from './protocol.js';
import type { IngressRuntime } from './runtime.js';

const SUPPORTED = new Set<string>(LEGACY_PROTOCOL_VERSIONS);

/** 403 unless the Host header is a name the listener answers as (DNS-rebinding protection). */
export function checkHost(rt: IngressRuntime, head: RequestHead): WireError | null {
  if (rt.hosts.allows(head.host)) return null;
  return new WireError('SLUICE_INGRESS_HOST_FORBIDDEN', 'Forbidden: this Host is not a name of the gateway (ingress.allowedHosts)');
}

/** 403 unless the Origin is absent, loopback, or allowed by config. */
export function checkOrigin(rt: IngressRuntime, head: RequestHead): WireError | null {
  if (isOriginAllowed(head.origin, rt.config.allowedOrigins)) return null;
  return new WireError('SLUICE_INGRESS_ORIGIN_FORBIDDEN', 'Forbidden: this Origin may not call the gateway');
}

/** 400 when an MCP-Protocol-Version header names a revision this transport does not serve. */
export function checkProtocolVersion(head: RequestHead): WireError | null {
  if (head.protocolVersion === null || SUPPORTED.has(head.protocolVersion)) return null;
  return new WireError(
    'SLUICE_INGRESS_PROTOCOL_VERSION_UNSUPPORTED',
    `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(head.protocolVersion.slice(0, 40))} (supported: ${LEGACY_PROTOCOL_VERSIONS.join(', ')})`,
  );
}

/** 503 once the node is stopping. */
export function checkRunning(rt: IngressRuntime): WireError | null {
  return rt.stopping ? new WireError('SLUICE_INGRESS_SHUTTING_DOWN', 'Service unavailable: gateway shutting down') : null;
}

/** The session named by Mcp-Session-Id, or why there is none. */
export type SessionLookup = { session: Session; error: null } | { session: null; error: WireError };

/** Who a request's sessions belong to and count against: the verified principal, or the client address without auth. */
export function ownerOf(head: RequestHead, principal: VerifiedPrincipal | null): string {
  return principal ? principalKey(principal) : head.peer;
}

/**
 * The session named by Mcp-Session-Id, marked as used: 400 without the header, 404 when this node does not hold it
 * (or it expired) or, with authentication, when it belongs to another principal (the same 404: nothing disclosed).
 */
export function findSession(rt: IngressRuntime, head: RequestHead, principal: VerifiedPrincipal | null): SessionLookup {
  if (head.sessionId === null) {
    return { session: null, error: new WireError('SLUICE_INGRESS_SESSION_REQUIRED', 'Bad Request: Mcp-Session-Id header is required') };
  }
  const session = rt.sessions.use(head.sessionId, principal ? principalKey(principal) : undefined);
  return session ? { session, error: null } : { session: null, error: new WireError('SLUICE_INGRESS_SESSION_NOT_FOUND', 'Session not found') };
}
