import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './bench-report.js';
import { withoutLocalPaths } from './local-paths.js';
import { renderMarkdown } from './markdown.js';


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
