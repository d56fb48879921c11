import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** An import found in a source file. */
export interface ImportEdge {
  file: string;
  specifier: string;
}

const SERVICES = ['ingress', 'policy-worker', 'router', 'audit-sink'] as const;

/** Which @sluice packages each project may import. */
const ALLOWED_INTERNAL: Record<string, readonly string[]> = {
  schemas: [],
  core: ['schemas'],
  ingress: ['schemas', 'core'],
  'policy-worker': ['schemas', 'core'],
  router: ['schemas', 'core'],
  'audit-sink': ['schemas', 'core'],
  cli: ['schemas', 'core', ...SERVICES],
  'integration-tests': ['schemas', 'core', 'cli', ...SERVICES],
  // The audit-cost, kafka-hops and bus-hop micro-benchmarks drive the audit sink and the buses in-process; the rest of bench is black-box.
  bench: ['schemas', 'core', 'audit-sink'],
};

/** Outside libraries that belong to one place only: the path prefix allowed to import them (and tests, with `tests`). */
const OWNED_LIBRARIES: ReadonlyArray<{ pattern: RegExp; owner: string; tests?: boolean; harness?: string }> = [
  // Token verification is one piece of code; tests, and the bench's --auth runs, sign their own tokens with jose.
  { pattern: /^jose(\/|$)/, owner: 'core/src/auth/', tests: true, harness: 'bench/' },
  { pattern: /^kafkajs(\/|$)/, owner: 'core/src/bus/kafka/' },
  { pattern: /^@btc-vision\/uwebsockets\.js(\/|$)|^@trufflesuite\/uws-js-unofficial(\/|$)|^uWebSockets\.js(\/|$)/, owner: 'ingress/src/uws/' },
  { pattern: /^@clickhouse\/client(-common)?(\/|$)|^chdb(\/|$)/, owner: 'audit-sink/' },
];

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s*['"]([^'"]+)['"]|require(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every import in the TypeScript files under `root`'s projects (sources and tests). */
export function collectImports(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(name)) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(IMPORT)) {
          const specifier = m[1] ?? m[2] ?? m[3] ?? m[4];
          if (specifier) edges.push({ file: relative(root, path), specifier });
        }
      }
    }
  };
  for (const project of Object.keys(ALLOWED_INTERNAL)) walk(join(root, project));
  return edges;
}

/** The layering rules broken by these imports, one message each. */
export function layeringViolations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { file, specifier } of edges) {
    const project = file.split('/')[0] ?? '';
    const internal = /^@sluice\/([^/]+)/.exec(specifier)?.[1];
    if (internal && internal !== project && !(ALLOWED_INTERNAL[project] ?? []).includes(internal)) {
      problems.push(`${file}: ${project} must not import @sluice/${internal}`);
    }
    const up = /^(?:\.\.\/)+([^/.][^/]*)/.exec(specifier);
    if (up && specifier.startsWith('../'.repeat(file.split('/').length - 1))) {
      const target = up[1]!;
      if (target !== project && target in ALLOWED_INTERNAL) problems.push(`${file}: reaches into ${target} by a relative path`);
    }
    for (const { pattern, owner, tests, harness } of OWNED_LIBRARIES) {
      if (tests && /^[^/]+\/test\//.test(file)) continue;
      if (harness !== undefined && file.startsWith(harness)) continue;
      if (pattern.test(specifier) && !file.startsWith(owner)) problems.push(`${file}: ${specifier} belongs to ${owner} only`);
    }
  }
  return problems;
}
