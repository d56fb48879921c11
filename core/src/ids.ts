import { randomPool, takeRandom } from './random-pool.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The millisecond of the last id and the sequence counted within it. */
let lastMs = -Infinity;
let sequence = 0;

/**
 * A new UUIDv7 (RFC 9562), laid out as the `uuid` package's v7 lays it out: 48 bits of Unix milliseconds, a
 * 32-bit sequence seeded at random in each new millisecond and counted up within it (so the ids of one process
 * sort in the order they were made), then random bits. Random bytes come from a shared pool, and the text is
 * built without the intermediate byte arrays: ids are made several times per tool call.
 */
export function uuidv7(): string {
  const r = takeRandom(10);
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = (randomPool[r]! << 23) | (randomPool[r + 1]! << 16) | (randomPool[r + 2]! << 8) | randomPool[r + 3]!;
  } else {
    sequence = (sequence + 1) | 0;
    // The sequence wrapped: borrow the next millisecond, as the uuid package does.
    if (sequence === 0) lastMs++;
  }
  const ms = lastMs;
  const seq = sequence;
  return (
    HEX[(ms / 0x10000000000) & 0xff]! +
    HEX[(ms / 0x100000000) & 0xff]! +
    HEX[(ms / 0x1000000) & 0xff]! +
    HEX[(ms / 0x10000) & 0xff]! +
    '-' +
    HEX[(ms / 0x100) & 0xff]! +
    HEX[ms & 0xff]! +
    '-' +
    HEX[0x70 | ((seq >>> 28) & 0x0f)]! +
    HEX[(seq >>> 20) & 0xff]! +
    '-' +
    HEX[0x80 | ((seq >>> 14) & 0x3f)]! +
    HEX[(seq >>> 6) & 0xff]! +
    '-' +
    HEX[((seq << 2) & 0xff) | (randomPool[r + 4]! & 0x03)]! +
    HEX[randomPool[r + 5]!]! +
    HEX[randomPool[r + 6]!]! +
    HEX[randomPool[r + 7]!]! +
    HEX[randomPool[r + 8]!]! +
    HEX[randomPool[r + 9]!]!
  );
}
