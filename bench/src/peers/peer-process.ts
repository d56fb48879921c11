import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processTree } from '../proc/proc-stat.js';

/** Root of the repository: this module lives three levels below it (bench/src/peers or bench/dist/peers). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the peers' install scripts put each peer: `.cache/peers/<name>/` under the repository root. */
export function peerDir(name: string): string {
  return path.join(REPO_ROOT, '.cache', 'peers', name);
}

/** Absolute path of a file in `bench/peers/` (install scripts and their helpers). */
export function peerScript(file: string): string {
  return path.join(REPO_ROOT, 'bench', 'peers', file);
}

const installs = new Map<string, Promise<{ ok: true } | { ok: false; reason: string }>>();

/**
 * Runs `bash bench/peers/<script>` once per process (it is idempotent and returns at once when the peer is already
 * installed). On failure the reason names the command and ends with the last lines it printed.
 */
export function ensureInstalled(script: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  let pending = installs.get(script);
  if (!pending) {
    pending = new Promise((resolve) => {
      execFile('bash', [peerScript(script)], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 }, (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true });
        const output = lastLines(`${stdout}\n${stderr}`, 15);
        const status = error.killed ? `was stopped (${error.signal ?? 'timeout'})` : `exited with code ${String(error.code)}`;
        resolve({ ok: false, reason: `\`bash bench/peers/${script}\` ${status}${output ? `: ${output}` : ''}` });
      });
    });
    installs.set(script, pending);
  }
  return pending;
}

/** The last `count` non-empty lines of `text`, joined with ` | ` (for one-line reasons). */
export function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .join(' | ');
}

/** A peer process started by {@link startPeerProcess}. */
export interface PeerProcess {
  child: ChildProcess;
  pid: number;
  /** File receiving the process's stdout and stderr. */
  logFile: string;
  /** Exit code or signal once it has exited, else null. */
  exited(): string | null;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

/** Options of {@link startPeerProcess}. */
export interface PeerProcessOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where stdout and stderr go (created, truncated). */
  logFile: string;
}

/**
 * Starts a peer in a process group of its own (so that {@link stopPeerProcess} reaches whatever it spawns), with
 * stdout and stderr going to a log file.
 */
export async function startPeerProcess(options: PeerProcessOptions): Promise<PeerProcess> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'w');
  let exit: string | null = null;
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  child.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit code ${String(code)}`;
  });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (error) => reject(new Error(`cannot start ${options.command}: ${error.message}`)));
  });
  return {
    child,
    pid,
    logFile: options.logFile,
    exited: () => exit,
    logTail: (lines = 20) => {
      try {
        return lastLines(readFileSync(options.logFile, 'utf8'), lines);
      } catch {
        return '';
      }
    },
  };
}

/** Live descendants of `pid` (not `pid` itself). */
export function descendantsOf(pid: number): number[] {
  try {
    return processTree([pid]).filter((p) => p !== pid);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a peer: SIGTERM to its process group, up to `graceMs` for it and everything it spawned (even in process
 * groups of their own) to exit, then SIGKILL to whatever is left. Only processes of this peer's tree are signalled.
 */
export async function stopPeerProcess(peer: PeerProcess, graceMs = 8000): Promise<void> {
  const tree = [peer.pid, ...descendantsOf(peer.pid)];
  const deadline = Date.now() + graceMs;
  if (peer.exited() === null) signal(-peer.pid, 'SIGTERM');
  while (peer.exited() === null && Date.now() < deadline) await sleep(50);
  // Children in process groups of their own are normally stopped by the peer itself; whatever outlived it gets
  // SIGTERM now, and SIGKILL at the deadline.
  for (const pid of tree) if (alive(pid)) signal(pid, 'SIGTERM');
  while (tree.some(alive) && Date.now() < deadline) await sleep(50);
  if (peer.exited() === null) signal(-peer.pid, 'SIGKILL');
  for (const pid of tree) if (alive(pid)) signal(pid, 'SIGKILL');
  while (peer.exited() === null && Date.now() < deadline + 2000) await sleep(20);
}

/**
 * Polls `check` every 200 ms until it returns a value, failing early when the peer exits and after `timeoutMs`.
 * Errors name `what`, the last error `check` threw and the tail of the peer's log.
 */
export async function waitFor<T>(peer: PeerProcess, what: string, timeoutMs: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    const exit = peer.exited();
    if (exit !== null) throw new Error(`${what}: the process ended (${exit})${last ? ` after: ${last}` : ''}; log: ${peer.logTail()}`);
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last})` : ''}; log: ${peer.logTail()}`);
    await sleep(200);
  }
}

/** Quotes `word` for a POSIX shell command line. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
