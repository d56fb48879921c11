import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI entry. */
export const CLI = join(ROOT, 'cli/dist/main.js');
/** server-everything's entry, started over stdio by the gateway. */
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A scratch directory removed by `dispose`. */
export function scratch(prefix: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a YAML config file into `dir` and returns its path. */
export function writeConfig(dir: string, name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** A gateway process started from the built CLI. */
export class GatewayProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(config: string, roles: readonly string[], readonly adminPort: number) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    const args = [CLI, 'start', '--config', config, ...roles.flatMap((r) => ['--role', r])];
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.keep(d));
    this.child.stderr!.on('data', (d: Buffer) => this.keep(d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** What the process printed (the tail). */
  get log(): string {
    return this.output;
  }

  /** Resolves once GET /readyz answers 200; fails with the process log if it exits or times out. */
  async ready(timeoutMs = 60_000): Promise<this> {
    const until = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < until) {
      if (exitCode !== undefined) throw new Error(`gateway exited with ${exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.adminPort}/readyz`);
        if (res.status === 200) return this;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gateway not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    return this.exited;
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-20_000);
  }
}

/** Rows of a read-only SQL query through the admin endpoint. */
export async function sql<T = Record<string, unknown>>(adminPort: number, query: string): Promise<T[]> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/admin/sql`, { method: 'POST', body: query });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`admin/sql ${res.status}: ${text}`);
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Polls `check` until it returns a value that is not undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
