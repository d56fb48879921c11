/** What one pass over valid JSON text finds outside its strings. */
export interface JsonShape {
  /** Deepest nesting of arrays and objects. */
  depth: number;
  /** Object members written in the text: each `:` outside a string separates one member's name from its value. */
  members: number;
}

/** The shape of text that JSON.parse accepted; strings are skipped whole. */
export function jsonShape(text: string): JsonShape {
  let depth = 0;
  let deepest = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = closingQuote(text, i);
    else if (c === 0x3a) members++;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { depth: deepest, members };
}

/** Own keys of every object in a parsed JSON value; fewer than {@link JsonShape.members} when a key repeats. */
export function keyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += keyCount(item);
    return count;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) count += 1 + keyCount(record[key]);
  return count;
}

/**
 * The first key that appears twice in one object of valid JSON text (escapes decoded, so `"a"` and `"\u0061"`
 * are the same key), or null. Slower than {@link jsonShape}; run it only to name the key of a refused body.
 */
export function repeatedKey(text: string): string | null {
  const open: Array<Set<string> | null> = [];
  let keyStart = 0;
  let keyEnd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      keyStart = i;
      i = keyEnd = closingQuote(text, i);
    } else if (c === 0x3a) {
      const keys = open[open.length - 1];
      const raw = text.slice(keyStart + 1, keyEnd);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(keyStart, keyEnd + 1)) as string) : raw;
      if (keys?.has(key)) return key;
      keys?.add(key);
    } else if (c === 0x7b) open.push(new Set());
    else if (c === 0x5b) open.push(null);
    else if (c === 0x7d || c === 0x5d) open.pop();
  }
  return null;
}

/** Index of the quote that closes the string opening at `start` (one not escaped by an odd run of backslashes). */
function closingQuote(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return text.length;
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return end;
  }
}
