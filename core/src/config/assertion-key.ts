import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TokenExchangeConfig } from './types.js';

type Alg = TokenExchangeConfig['assertionAlg'];

/** The algorithms each kind of key may sign with; the first is the one inferred. */
const ALGS: Record<string, { name: string; algs: readonly Alg[] }> = {
  'ec:prime256v1': { name: 'P-256', algs: ['ES256'] },
  'ec:secp384r1': { name: 'P-384', algs: ['ES384'] },
  ed25519: { name: 'Ed25519', algs: ['EdDSA'] },
  rsa: { name: 'RSA', algs: ['RS256', 'PS256'] },
};

/**
 * The assertion key as PKCS#8 PEM and the algorithm it signs with. `value` is a PEM private key, a private JWK (JSON),
 * or the path of a file holding either (relative to `base`). Throws an Error whose message is the reason, never
 * holding key material.
 */
export function loadAssertionKey(value: string, alg: Alg | null, base: string): { pem: string; alg: Alg } {
  let text = value.trim();
  if (!text.startsWith('-----BEGIN') && !text.startsWith('{')) {
    const path = isAbsolute(text) ? text : resolve(base, text);
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
    }
  }
  let key: KeyObject;
  try {
    key = text.startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as object, format: 'jwk' } as never) : createPrivateKey(text);
  } catch {
    throw new Error('is not a private key (PKCS#8 or SEC1 PEM, or a private JWK)');
  }
  const kind = key.asymmetricKeyType === 'ec' ? `ec:${String(key.asymmetricKeyDetails?.namedCurve)}` : String(key.asymmetricKeyType);
  const known = ALGS[kind];
  if (!known) throw new Error(`is a ${kind} key; use a P-256, P-384, Ed25519 or RSA key`);
  if (alg !== null && !known.algs.includes(alg)) throw new Error(`is a ${known.name} key, which cannot sign ${alg}`);
  return { pem: key.export({ type: 'pkcs8', format: 'pem' }) as string, alg: alg ?? (known.algs[0] as Alg) };
}
