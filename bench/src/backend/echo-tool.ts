import type { Knobs } from './knobs.js';

/** Name of the one tool the neutral backend serves. */
export const ECHO_TOOL = 'echo';

/** The `echo` tool as tools/list announces it. */
export const ECHO_TOOL_SPEC = {
  name: ECHO_TOOL,
  description: 'Answers with the message (or with a fixed number of bytes of text when the backend is told so).',
  inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
} as const;

let filler = '';

/** The text a call answers with under the given knobs. */
export function echoText(message: string, knobs: Readonly<Knobs>): string {
  if (knobs.responseBytes === 0) return message;
  if (filler.length !== knobs.responseBytes) filler = 'x'.repeat(knobs.responseBytes);
  return filler;
}

/** Resolves after the configured delay (immediately for 0, without a timer). */
export function delay(ms: number): Promise<void> | null {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : null;
}
