export { identityFromClaims, type TokenIdentity } from './claims.js';
export { createJwtVerifier, readJwksFile, type JwtVerifier, type JwtVerifierOptions, type TokenRejection, type TokenVerdict } from './jwt-verifier.js';
export { signAssertion, type AssertionOptions } from './jwt-signer.js';
export type { JWTPayload as TokenClaims } from 'jose';
