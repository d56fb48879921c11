import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IngressError } from '../errors.js';
import type { UwsModule } from './types.js';

/** A package that may provide the uWebSockets.js binding, with what it needs from the machine. */
export interface UwsCandidate {
  name: string;
  requirement: string;
  load(require: NodeJS.Require): unknown;
}

/** The loaded binding and the package it came from. */
export interface LoadedUws {
  name: string;
  uws: UwsModule;
}

/**
 * The packages tried, in order. The second one's own entry point silently falls back to a `ws`-based server
 * when its binary does not load, so its binary is required directly: there is no fallback to another server.
 */
export const UWS_CANDIDATES: readonly UwsCandidate[] = [
  {
    name: '@btc-vision/uwebsockets.js@20.57.0',
    requirement: 'Node.js 20, 22, 24 or 25 and glibc >= 2.38 on Linux (or macOS, Windows)',
    load: (require) => require('@btc-vision/uwebsockets.js'),
  },
  {
    name: '@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0',
    requirement: 'Node.js 20 or older (module ABI 93, 108 or 115) and glibc >= 2.34 on Linux (or macOS, Windows)',
    load: (require) => {
      const root = dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
      const { platform, arch, versions } = process;
      return require(join(root, 'binaries', `uws_${platform}_${arch}_${versions.modules}.node`));
    },
  },
];

let loaded: LoadedUws | null = null;

/**
 * The one place uWebSockets.js is imported. Tries each candidate in order and returns the first that loads;
 * when none does, throws SLUICE_INGRESS_UWS_UNAVAILABLE naming every package, its requirement and its error.
 */
export function loadUws(
  candidates: readonly UwsCandidate[] = UWS_CANDIDATES,
  require: NodeJS.Require = createRequire(import.meta.url),
): LoadedUws {
  const useCache = candidates === UWS_CANDIDATES;
  if (useCache && loaded) return loaded;
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const uws = candidate.load(require);
      assertBinding(uws);
      const result = { name: candidate.name, uws };
      if (useCache) loaded = result;
      return result;
    } catch (err) {
      failures.push(`- ${candidate.name} (needs ${candidate.requirement}): ${firstLines(err)}`);
    }
  }
  throw new IngressError(
    'SLUICE_INGRESS_UWS_UNAVAILABLE',
    `uWebSockets.js cannot be loaded on Node.js ${process.version} (module ABI ${process.versions.modules}, ` +
      `${process.platform}-${process.arch}, glibc ${glibcVersion()}); tried:\n${failures.join('\n')}`,
  );
}

function assertBinding(value: unknown): asserts value is UwsModule {
  const binding = value as Partial<UwsModule> | null;
  if (typeof binding?.App !== 'function' || typeof binding.us_listen_socket_close !== 'function' || typeof binding.us_socket_local_port !== 'function') {
    throw new Error('the module loaded but is not a uWebSockets.js binding (App, us_listen_socket_close, us_socket_local_port missing)');
  }
}

function firstLines(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').filter((line) => line.trim() !== '').slice(0, 3).join(' | ');
}

function glibcVersion(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ?? 'not found';
}
