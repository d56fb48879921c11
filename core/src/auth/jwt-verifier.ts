import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/** Why a token was not accepted: a bad token, or the issuer's keys could not be had (retry). */
export type TokenRejection = { kind: 'invalid'; reason: string } | { kind: 'unavailable'; cause: unknown };

/** Result of verifying one token. */
export type TokenVerdict = { payload: JWTPayload; rejection: null } | { payload: null; rejection: TokenRejection };

/** Verifies JWT access tokens: signature against the issuer's JWKS, then `iss`, `aud`, `exp`, `nbf` and the algorithm. */
export interface JwtVerifier {
  verify(token: string, audience: string): Promise<TokenVerdict>;
}

/** What a verifier checks tokens against; `ingress.auth.oauth` and `admin.oauth` both have these keys. */
export interface JwtVerifierOptions {
  issuer: string;
  /** The issuer's JWKS endpoint, or null when `jwks` holds the keys. */
  jwksUri: string | null;
  algorithms: readonly string[];
  clockToleranceS: number;
}

/**
 * A verifier: keys from a remote JWKS (cached by jose, refetched on an unknown `kid`) or, when `options.jwksUri` is
 * null, from `jwks` (see {@link readJwksFile}). Only JWTs with an `exp` are accepted.
 */
export function createJwtVerifier(options: JwtVerifierOptions, jwks: JSONWebKeySet | null = null): JwtVerifier {
  if (options.jwksUri === null && jwks === null) throw new Error('a JWT verifier needs a jwksUri or a JWKS');
  const keys = options.jwksUri !== null ? createRemoteJWKSet(new URL(options.jwksUri)) : createLocalJWKSet(jwks!);
  const checks = { issuer: options.issuer, algorithms: [...options.algorithms], clockTolerance: options.clockToleranceS, requiredClaims: ['exp'] };
  return {
    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, keys, { ...checks, audience });
        return { payload, rejection: null };
      } catch (err) {
        return { payload: null, rejection: classify(err) };
      }
    },
  };
}

/** The JWKS in the file at `path`; throws an Error saying why it cannot be read (callers give it their code). */
export function readJwksFile(path: string): JSONWebKeySet {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
  } catch (err) {
    throw new Error(`cannot read the JWKS file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function classify(err: unknown): TokenRejection {
  if (err instanceof errors.JWKSTimeout || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC') || !(err instanceof errors.JOSEError)) {
    return { kind: 'unavailable', cause: err };
  }
  if (err instanceof errors.JWTExpired) return { kind: 'invalid', reason: 'the token expired' };
  if (err instanceof errors.JWTClaimValidationFailed) return { kind: 'invalid', reason: `the token's ${err.claim} claim is not accepted` };
  if (err instanceof errors.JOSEAlgNotAllowed) return { kind: 'invalid', reason: 'the token is not signed with an accepted algorithm' };
  if (err instanceof errors.JWSSignatureVerificationFailed) return { kind: 'invalid', reason: 'the token signature does not verify' };
  if (err instanceof errors.JWKSNoMatchingKey) return { kind: 'invalid', reason: 'no key of the issuer verifies the token' };
  return { kind: 'invalid', reason: 'the token is malformed' };
}
