import { randomBytes } from 'node:crypto';
import type { SessionLimits } from '@sluice/core';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { WireError } from '../errors.js';
import type { SseStream } from '../http/sse-stream.js';

/** A client session held by this node. */
export interface Session {
  readonly id: string;
  /** `clientInfo.name` given at initialize; recorded as the principal's agent. */
  readonly clientName: string | null;
  readonly clientVersion: string | null;
  /** The revision the client asked for, replaced by the one the server answered with. */
  protocolVersion: string;
  /** The session's GET stream, if one is open. */
  stream: SseStream | null;
  readonly openedAt: number;
  /** Who opened the session, when the listener authenticates; only the same principal may use it. */
  readonly principal: VerifiedPrincipal | null;
  /** Who the session counts against and is bound to: the principal's key, or the client address without auth. */
  readonly owner: string;
  /** When the client last sent a request for this session. */
  lastSeenAt: number;
}

/** What a session starts with. */
export type SessionInit = Pick<Session, 'clientName' | 'clientVersion' | 'protocolVersion' | 'owner'> & { principal?: VerifiedPrincipal | null };

/** Why the store closed a session on its own, as recorded in `session.closed`. */
export type ExpiryReason = 'idle-timeout' | 'lifetime-exceeded';

/** A new session id: 32 random bytes from the system CSPRNG, hex-encoded (visible ASCII, as MCP requires). */
export function newSessionId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The sessions of this node, in memory, bounded: at most `max` in all and `maxPerAddress` per owner. One sweep
 * timer closes sessions idle for `idleTtlMs` (an open GET stream counts as activity) or older than
 * `maxLifetimeMs`, and reports each to `onExpired`.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly perOwner = new Map<string, number>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly limits: SessionLimits,
    private readonly onExpired: (session: Session, reason: ExpiryReason) => void = () => undefined,
  ) {}

  /** Starts the sweep; its period is a quarter of the shorter of the two bounds (at least 10 ms). */
  start(): void {
    const period = Math.max(10, Math.floor(Math.min(this.limits.idleTtlMs, this.limits.maxLifetimeMs) / 4));
    this.sweeper = setInterval(() => this.sweep(Date.now()), period);
    this.sweeper.unref();
  }

  /** Stops the sweep. */
  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Why `owner` may not open a session now (503 when the node is full, 429 when the owner is), or null. */
  refusal(owner: string): WireError | null {
    if (this.sessions.size >= this.limits.max) {
      return new WireError('SLUICE_INGRESS_TOO_MANY_SESSIONS', `Service unavailable: this node holds its maximum of ${this.limits.max} sessions`);
    }
    if ((this.perOwner.get(owner) ?? 0) >= this.limits.maxPerAddress) {
      return new WireError(
        'SLUICE_INGRESS_TOO_MANY_SESSIONS_FOR_ADDRESS',
        `Too Many Requests: this client holds its maximum of ${this.limits.maxPerAddress} sessions; close one first`,
      );
    }
    return null;
  }

  /** Opens a session with a fresh id (check {@link refusal} first). */
  create(init: SessionInit): Session {
    const now = Date.now();
    const session: Session = { id: newSessionId(), ...init, principal: init.principal ?? null, stream: null, openedAt: now, lastSeenAt: now };
    this.sessions.set(session.id, session);
    this.perOwner.set(init.owner, (this.perOwner.get(init.owner) ?? 0) + 1);
    return session;
  }

  /** The session with this id, if this node holds it. */
  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /**
   * The session with this id, marked as used now (a client request). With `owner`, a session of another owner is
   * treated as absent (and not marked).
   */
  use(id: string, owner?: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session || (owner !== undefined && session.owner !== owner)) return undefined;
    session.lastSeenAt = Date.now();
    return session;
  }

  /** Forgets a session and ends its GET stream. */
  delete(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    const left = (this.perOwner.get(session.owner) ?? 1) - 1;
    if (left > 0) this.perOwner.set(session.owner, left);
    else this.perOwner.delete(session.owner);
    session.stream?.end();
  }

  /** Every session held. */
  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Number of sessions held. */
  get size(): number {
    return this.sessions.size;
  }

  /** Closes every session past its lifetime or idle too long. */
  sweep(now: number): void {
    const { idleTtlMs, maxLifetimeMs } = this.limits;
    for (const session of this.sessions.values()) {
      const reason: ExpiryReason | null =
        now - session.openedAt >= maxLifetimeMs
          ? 'lifetime-exceeded'
          : now - session.lastSeenAt >= idleTtlMs && !session.stream?.isOpen
            ? 'idle-timeout'
            : null;
      if (reason === null) continue;
      this.delete(session.id);
      this.onExpired(session, reason);
    }
  }
}
