import { readFileSync } from 'node:fs';
import type { OAuthConfig } from '@sluice/core';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { IngressError } from '../errors.js';

/** Why a token was not accepted. */
export type TokenRejection = { kind: 'invalid'; reason: string } | { kind: 'unavailable'; cause: unknown };

/** Result of verifying one token. */
export type TokenVerdict = { payload: JWTPayload; rejection: null } | { payload: null; rejection: TokenRejection };

/** Verifies JWT access tokens: signature against the issuer's JWKS, then `iss`, `aud`, `exp`, `nbf` and the algorithm. */
export interface JwtVerifier {
  verify(token: string, audience: string): Promise<TokenVerdict>;
}

/** A verifier for `oauth`: a remote JWKS (cached by jose, refetched on an unknown `kid`) or one read from a file now. */
export function createJwtVerifier(oauth: OAuthConfig): JwtVerifier {
  const keys = oauth.jwksUri !== null ? createRemoteJWKSet(new URL(oauth.jwksUri)) : createLocalJWKSet(readJwks(oauth.jwksFile ?? ''));
  const options = { issuer: oauth.issuer, algorithms: oauth.algorithms, clockTolerance: oauth.clockToleranceS, requiredClaims: ['exp'] };
  return {
    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, keys, { ...options, audience });
        return { payload, rejection: null };
      } catch (err) {
        return { payload: null, rejection: classify(err) };
      }
    },
  };
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

function readJwks(path: string): JSONWebKeySet {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
  } catch (err) {
    throw new IngressError('SLUICE_INGRESS_AUTH_CONFIG', `cannot read the JWKS file ${path}`, err);
  }
}
