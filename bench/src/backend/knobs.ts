/** What the neutral backend does for each call of its `echo` tool. */
export interface Knobs {
  /** Milliseconds to wait before answering (0: answer at once). */
  delayMs: number;
  /** Bytes of text to answer with; 0 echoes the call's `message` back as it came. */
  responseBytes: number;
}

/** The knobs a backend starts with unless told otherwise. */
export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({ delayMs: 0, responseBytes: 0 });

/** Validates knobs received as JSON (from the control endpoint or the command line); throws on nonsense. */
export function parseKnobs(value: unknown, base: Readonly<Knobs> = DEFAULT_KNOBS): Knobs {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const pick = (key: keyof Knobs, max: number): number => {
    const raw = input[key];
    if (raw === undefined) return base[key];
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > max) throw new Error(`${key} must be an integer in 0..${max}`);
    return raw;
  };
  return { delayMs: pick('delayMs', 60_000), responseBytes: pick('responseBytes', 16 * 1024 * 1024) };
}
