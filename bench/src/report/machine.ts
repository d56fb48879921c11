import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { ROOT, type BenchSettings } from '../settings.js';

/** The machine and software a run measured on. */
export interface MachineInfo {
  os: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  versions: Record<string, string>;
  gitCommit: string | null;
  /** Whether the working tree had changes not yet committed (the measured code may differ from the commit). */
  gitDirty: boolean | null;
  pinning: string;
  clockTicks: number;
  loadAverage: string;
}

function packageVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return 'not installed';
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Collects machine facts and the versions of what is measured. */
export function machineInfo(settings: Readonly<BenchSettings>): MachineInfo {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    os: `${osType()} ${release()}`,
    cpuModel: cpus()[0]?.model ?? '?',
    cpus: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    versions: {
      sluice: packageVersion('.'),
      '@modelcontextprotocol/sdk': packageVersion('node_modules/@modelcontextprotocol/sdk'),
      chdb: packageVersion('node_modules/chdb'),
      kafkajs: packageVersion('node_modules/kafkajs'),
      '@btc-vision/uwebsockets.js': packageVersion('node_modules/@btc-vision/uwebsockets.js'),
      '@trufflesuite/uws-js-unofficial': packageVersion('node_modules/@trufflesuite/uws-js-unofficial'),
      undici: packageVersion('node_modules/undici'),
      'hdr-histogram-js': packageVersion('node_modules/hdr-histogram-js'),
    },
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: status === null ? null : status !== '',
    pinning: `load generator on CPU ${settings.loadCpus}; backend and every process under test on CPU ${settings.sutCpus} (taskset)`,
    clockTicks: settings.clockTicks,
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
