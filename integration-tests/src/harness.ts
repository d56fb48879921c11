import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI entry. */
export const CLI = join(ROOT, 'cli/dist/main.js');
/** server-everything's entry, started over stdio by the gateway. */
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
/** The roles a process runs when none is given. */
const ALL_ROLES = ['ingress', 'policy-worker', 'router', 'audit-sink'];

/** Where test ports come from: below the kernel's ephemeral range, one slice per test worker. */
const PORT_BASE = 20_000;
const PORT_SLICE = 1_000;
let nextPort = 0;

/**
 * A port free on 127.0.0.1 that no other test worker will hand out, and that the kernel does not hand out for
 * port 0 binds or outgoing connections, so a process started on it a few seconds later still finds it free.
 */
export async function freePort(): Promise<number> {
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  const base = PORT_BASE + ((pool - 1) % 12) * PORT_SLICE;
  for (let tries = 0; tries < PORT_SLICE; tries++) {
    const port = base + (nextPort++ % PORT_SLICE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${base}-${base + PORT_SLICE - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
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

  constructor(
    private readonly config: string,
    private readonly roles: readonly string[],
    readonly adminPort: number,
  ) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    const args = [CLI, 'start', '--config', config, ...roles.flatMap((r) => ['--role', r])];
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.keep(d));
    this.child.stderr!.on('data', (d: Buffer) => this.keep(d));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /**
   * The admin token the gateway made on first start, in the default data directory (`.sluice` beside the config
   * file); processes whose config files share a directory share it.
   */
  get adminToken(): string {
    return readFileSync(join(dirname(this.config), '.sluice', 'admin-token'), 'utf8').trim();
  }

  /** Headers that authenticate to the admin port. */
  get adminHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.adminToken}` };
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
        if (res.status === 200 && this.isMine((await res.json()) as { roles?: Record<string, boolean> })) return this;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gateway not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Whether a /readyz answer names exactly this process's roles: another process may hold the port. */
  private isMine(body: { roles?: Record<string, boolean> }): boolean {
    const expected = (this.roles.length ? [...this.roles] : ALL_ROLES).sort();
    return JSON.stringify(Object.keys(body.roles ?? {}).sort()) === JSON.stringify(expected);
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

/** Rows of a read-only SQL query through the admin endpoint of `gateway`, with its token. */
export async function sql<T = Record<string, unknown>>(gateway: GatewayProcess, query: string): Promise<T[]> {
  const res = await fetch(`http://127.0.0.1:${gateway.adminPort}/admin/sql`, { method: 'POST', body: query, headers: gateway.adminHeaders });
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
