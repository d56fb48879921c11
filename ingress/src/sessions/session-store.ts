import { randomBytes } from 'node:crypto';
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
}

/** What a session starts with. */
export type SessionInit = Pick<Session, 'clientName' | 'clientVersion' | 'protocolVersion'>;

/** A new session id: 32 random bytes from the system CSPRNG, hex-encoded (visible ASCII, as MCP requires). */
export function newSessionId(): string {
  return randomBytes(32).toString('hex');
}

/** The sessions of this node, in memory. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /** Opens a session with a fresh id. */
  create(init: SessionInit): Session {
    const session: Session = { id: newSessionId(), ...init, stream: null, openedAt: Date.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session with this id, if this node holds it. */
  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Forgets a session and ends its GET stream. */
  delete(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
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
}
