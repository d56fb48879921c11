import { createHash } from 'node:crypto';
import type { VerifiedPrincipal } from './principal.js';

interface Entry {
  principal: VerifiedPrincipal;
  /** When the token expires (its `exp`, plus the leeway), in epoch ms. */
  expiresAt: number;
}

/** SHA-256 (hex) of a credential: what caches and key lists hold instead of the credential. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Verified tokens by the SHA-256 of the token, each until it expires, at most `capacity` (the oldest entry goes
 * first). A session's later requests then cost a hash and a map lookup instead of a signature check.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  /** The principal of a verified, unexpired token, or undefined. */
  get(digest: string, now = Date.now()): VerifiedPrincipal | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (now < entry.expiresAt) return entry.principal;
    this.entries.delete(digest);
    return undefined;
  }

  /** Remembers a verified token until `expiresAt`. */
  set(digest: string, principal: VerifiedPrincipal, expiresAt: number): void {
    if (this.capacity === 0) return;
    this.entries.delete(digest);
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(digest, { principal, expiresAt });
  }

  /** Number of tokens held. */
  get size(): number {
    return this.entries.size;
  }
}
