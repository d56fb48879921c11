import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

const live = new Set<ManagedProcess>();

/**
 * A child process this run started: pinned with taskset to a CPU list, its output's tail kept for error messages,
 * stopped with SIGTERM and then SIGKILL. Every one still alive is killed by `killAll` (on Ctrl-C and at exit).
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private output = '';

  constructor(
    readonly name: string,
    cpus: string | null,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ) {
    const [file, argv] = cpus === null ? [command, [...args]] : ['taskset', ['-c', cpus, command, ...args]];
    // taskset execs the command, so the child's pid is the process under test.
    this.child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.child.stdout?.on('data', (d: Buffer) => this.keep(d));
    this.child.stderr?.on('data', (d: Buffer) => this.keep(d));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        live.delete(this);
        resolve(code ?? (signal ? -1 : null));
      });
      this.child.once('error', (err) => {
        this.keep(Buffer.from(String(err)));
        live.delete(this);
        resolve(-1);
      });
    });
    live.add(this);
  }

  /** The process id (throws if it could not be started). */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start: ${this.output}`);
    return this.child.pid;
  }

  /** The last 20 kB it printed. */
  get log(): string {
    return this.output;
  }

  /** True until it exits. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-20_000);
  }
}

/** Kills every managed process still alive (last resort on interrupt). */
export function killAll(): void {
  for (const p of live) if (p.running) p.child.kill('SIGKILL');
}

/** Where the run's ports come from: below the kernel's ephemeral range (and the integration tests' ports). */
const PORT_FIRST = 10_000;
const PORT_COUNT = 10_000;
let nextPort = 0;

/**
 * A port free on 127.0.0.1 that the kernel does not hand out for port 0 binds or outgoing connections, so a
 * process started on it a few seconds later still finds it free while other programs open connections.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_COUNT; tries++) {
    const port = PORT_FIRST + (nextPort++ % PORT_COUNT);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${PORT_FIRST}-${PORT_FIRST + PORT_COUNT - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Polls `url` until it answers 200; fails early if `proc` exits, or after `timeoutMs`, with its log. */
export async function waitForOk(proc: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!proc.running) throw new Error(`${proc.name} exited before it was ready:\n${proc.log.slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms:\n${proc.log.slice(-3000)}`);
}
