import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../settings.js';

/** Paths of this machine (in error messages, stack traces, commands) become relative or `$TMPDIR`. */
export function withoutLocalPaths(text: string): string {
  return text.split(`file://${ROOT}`).join('').split(ROOT).join('').split(join(tmpdir(), '/')).join('$TMPDIR/');
}
