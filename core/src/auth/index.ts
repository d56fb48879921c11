export { identityFromClaims, type TokenIdentity } from './claims.js';
export { createJwtVerifier, readJwksFile, type JwtVerifier, type JwtVerifierOptions, type TokenRejection, type TokenVerdict } from './jwt-verifier.js';
