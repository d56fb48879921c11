import { randomFillSync } from 'node:crypto';

/** Bytes from the system CSPRNG, drawn 4 KiB at a time: one system call per block rather than one per id. */
export const randomPool = Buffer.alloc(4096);
let next = randomPool.length;

/** Reserves `count` (at most 4096) unused random bytes of {@link randomPool}; returns where they start. */
export function takeRandom(count: number): number {
  if (next + count > randomPool.length) {
    randomFillSync(randomPool);
    next = 0;
  }
  const start = next;
  next += count;
  return start;
}
