import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { scratchDir } from './scratch-dir.js';

/** Issuer of the bench's tokens: no such server runs, the gateways read its keys from a file. */
const ISSUER = 'https://issuer.bench.invalid';
/** The resource every Sluice target is configured as, so one token serves every target and port. */
const RESOURCE = 'https://sluice.bench.invalid/mcp';
/** Tokens made: one per session of the largest case. */
const TOKENS = 128;

/** What `--auth jwt` gives the Sluice targets (their `ingress.auth.oauth`) and the load generator (its tokens). */
export interface BenchAuth {
  issuer: string;
  resource: string;
  /** The JWKS of the run's signing key, in the run's temp dir. */
  jwksFile: string;
  /** Signed access tokens, each for its own principal; session i of a job sends `tokens[i % length]`. */
  tokens: readonly string[];
  dispose(): void;
}

/** Makes an ES256 key pair with jose, writes its public JWKS, and signs the run's tokens (valid for a day). */
export async function createBenchAuth(): Promise<BenchAuth> {
  const scratch = scratchDir('auth');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'bench-1';
  const jwksFile = join(scratch.dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    Array.from({ length: TOKENS }, (_, i) =>
      new SignJWT({ client_id: 'sluice-bench', scope: 'mcp:tools' })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(RESOURCE)
        .setSubject(`bench-session-${i + 1}`)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + 86_400)
        .sign(privateKey),
    ),
  );
  return { issuer: ISSUER, resource: RESOURCE, jwksFile, tokens, dispose: scratch.dispose };
}
