#!/usr/bin/env node
/**
 * Summaries of V8 CPU profiles: `node bench/dist/profile/main.js FILE.cpuprofile... [--top N]` prints the top self
 * time functions, self time by package, and the inclusive time of Sluice's own functions. Profiles come from gateway
 * processes run with SLUICE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR".
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { busyMs, inclusiveTimes, selfTimes, type CpuProfile, type TimeRow } from './self-time.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
const top = Number(values.top);
const SLUICE = /\/(schemas|core|ingress|policy-worker|router|audit-sink|cli)\/dist\//;

const path = (url: string): string => url.replace(/^file:\/\//, '');
const shorten = (url: string): string => {
  const p = path(url);
  const modules = p.lastIndexOf('node_modules/');
  if (modules >= 0) return p.slice(modules + 'node_modules/'.length);
  const own = SLUICE.exec(p);
  return own ? p.slice(own.index + 1) : p;
};
/** node_modules package, Sluice project, node internals, or the frame's own name for native/VM frames. */
const packageOf = (frame: { url: string; functionName: string }): string => {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const p = path(frame.url);
  if (p.startsWith('node:')) return 'node internals';
  const modules = p.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = p.slice(modules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  return SLUICE.exec(p)?.[1] ? `sluice ${SLUICE.exec(p)?.[1]}` : p;
};

const print = (title: string, rows: TimeRow[]): void => {
  process.stdout.write(`\n${title}\n\n| # | ms | share | function | where |\n| --- | --- | --- | --- | --- |\n`);
  rows.slice(0, top).forEach((r, i) => process.stdout.write(`| ${i + 1} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)}% | \`${r.name}\` | ${r.where} |\n`));
};

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`\n## ${file}: ${busyMs(profile).toFixed(0)} ms sampled, not idle\n`);
  print('Self time, top functions:', selfTimes(profile, { shorten }));
  print('Self time by package:', selfTimes(profile, { shorten }, packageOf));
  print("Inclusive time of Sluice's own functions:", inclusiveTimes(profile, { shorten }, (f) => SLUICE.test(path(f.url))));
}
