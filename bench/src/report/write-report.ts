import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../settings.js';
import type { BenchReport } from './bench-report.js';
import { renderMarkdown } from './markdown.js';

/** Paths of this machine (in error messages, stack traces, commands) become relative or `$TMPDIR`. */
function withoutLocalPaths(text: string): string {
  return text.split(`file://${ROOT}`).join('').split(ROOT).join('').split(join(tmpdir(), '/')).join('$TMPDIR/');
}

/** Writes `<stamp>-<mode>.json` and `.md` into `dir` (each through a .tmp file, renamed when complete). */
export function writeReport(dir: string, report: BenchReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `${report.startedAt.replace(/[:.]/g, '-').slice(0, 19)}-${report.mode}`);
  const files = { json: `${stem}.json`, markdown: `${stem}.md` };
  const put = (file: string, text: string): void => {
    writeFileSync(`${file}.tmp`, withoutLocalPaths(text));
    renameSync(`${file}.tmp`, file);
  };
  put(files.json, `${JSON.stringify(report, null, 1)}\n`);
  put(files.markdown, renderMarkdown(report));
  return files;
}
