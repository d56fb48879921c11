import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

/** What one signed assertion says, and how it is signed. */
export interface AssertionOptions {
  key: KeyObject;
  /** JWS algorithm, e.g. ES256 or EdDSA. */
  alg: string;
  /** Key id for the header; null leaves `kid` out. */
  kid: string | null;
  issuer: string;
  subject: string;
  audience: string;
  /** Issued-at, epoch seconds. */
  iat: number;
  /** Seconds from `iat` until it expires. */
  ttlS: number;
  /** Further claims (not the registered ones above). */
  claims: JWTPayload;
}

/** Signs a short-lived JWT assertion with a random `jti` (jose stays in core/src/auth). */
export function signAssertion(options: AssertionOptions): Promise<string> {
  const header = options.kid === null ? { alg: options.alg, typ: 'JWT' } : { alg: options.alg, typ: 'JWT', kid: options.kid };
  return new SignJWT(options.claims)
    .setProtectedHeader(header)
    .setIssuer(options.issuer)
    .setSubject(options.subject)
    .setAudience(options.audience)
    .setIssuedAt(options.iat)
    .setExpirationTime(options.iat + options.ttlS)
    .setJti(randomUUID())
    .sign(options.key);
}
