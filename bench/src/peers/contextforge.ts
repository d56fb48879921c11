import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BackendEndpoint, RunningTarget, Target } from '../targets/target.js';
import { probeEcho } from './mcp-probe.js';
import { ensureInstalled, lastLines, peerDir, startPeerProcess, stopPeerProcess, waitFor } from './peer-process.js';

/**
 * The installed ContextForge release and Python, as bench/peers/install-contextforge.sh recorded them (it pins 1.1.0
 * on Python 3.12/3.13, or 1.0.7.post20260921 where only Python 3.11 is found), e.g.
 * `mcp-contextforge-gateway==1.1.0 python3.13`.
 */
export function contextForgeVersion(): string {
  try {
    return readFileSync(path.join(peerDir('contextforge'), 'installed'), 'utf8').trim();
  } catch {
    return 'not installed';
  }
}

/** Name under which the backend is registered; ContextForge exposes its tools as `<slug>-<tool>`. */
const GATEWAY_NAME = 'bench';
const ADMIN_EMAIL = 'admin@example.com';

/** How the ContextForge peer is set up. */
export interface ContextForgeOptions {
  /**
   * Require a bearer JWT on `/mcp` too (`MCP_REQUIRE_AUTH=true`). The running target then carries the header in
   * `headers`, which the load generator has to send. Off by default: the `Target` interface has no headers, and the
   * other systems under test take unauthenticated MCP clients.
   */
  clientAuth?: boolean;
  /** Further ContextForge settings (environment variables), applied last; they are listed in `describe`. */
  env?: Record<string, string>;
}

/** A running ContextForge, with the header an MCP client needs when `clientAuth` is on. */
export interface ContextForgeRunningTarget extends RunningTarget {
  /** Headers an MCP client sends (the bearer token when `clientAuth` is on, else none). */
  headers: Record<string, string>;
}

const venvDir = (): string => path.join(peerDir('contextforge'), 'venv');

/**
 * IBM ContextForge as a peer: one uvicorn worker (its `mcpgateway` CLI) on 127.0.0.1 with a fresh SQLite database
 * per start, the admin API behind JWT auth (token made with its own `mcpgateway.utils.create_jwt_token`), the backend
 * registered as a Streamable HTTP gateway through `POST /gateways`, and its tools served at `/mcp` as `bench-echo`.
 * Stateful MCP sessions are on, so each client session reuses one upstream session to the backend; rate limiting is
 * off (its default of 100 requests a minute would throttle any load test); the cache is in memory (one process);
 * loopback upstreams are allowed past its SSRF guard; the web UI is off. Everything else keeps its defaults.
 */
export class ContextForgeTarget implements Target {
  /** Target name in reports. */
  readonly name: string;

  constructor(private readonly options: ContextForgeOptions = {}) {
    this.name = options.clientAuth ? 'contextforge-jwt' : 'contextforge';
  }

  /** Installs it (cached after the first time, which takes about a minute) and says whether that worked. */
  async available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return ensureInstalled('install-contextforge.sh');
  }

  /** Starts it on `port` in front of `backend.url` and resolves once an echo call through it has succeeded. */
  async start(backend: BackendEndpoint, port: number): Promise<ContextForgeRunningTarget> {
    const installed = await this.available();
    if (!installed.ok) throw new Error(installed.reason);
    const runsDir = path.join(peerDir('contextforge'), 'runs');
    await mkdir(runsDir, { recursive: true });
    const workDir = await mkdtemp(path.join(runsDir, `port-${port}-`));
    const base = `http://127.0.0.1:${port}`;
    const jwtSecret = randomBytes(32).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      MCG_HOST: '127.0.0.1',
      MCG_PORT: String(port),
      // Four slashes: sqlite:/// and an absolute path.
      DATABASE_URL: `sqlite:///${path.join(workDir, 'contextforge.db')}`,
      CACHE_TYPE: 'memory',
      JWT_SECRET_KEY: jwtSecret,
      AUTH_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
      PLATFORM_ADMIN_EMAIL: ADMIN_EMAIL,
      PLATFORM_ADMIN_PASSWORD: `Bench-${randomBytes(16).toString('hex')}-Adm!`,
      DEFAULT_USER_PASSWORD: `Bench-${randomBytes(16).toString('hex')}-Usr!`,
      BASIC_AUTH_USER: 'admin',
      BASIC_AUTH_PASSWORD: `Bench-${randomBytes(16).toString('hex')}-Bas!`,
      AUTH_REQUIRED: 'true',
      MCP_REQUIRE_AUTH: this.options.clientAuth ? 'true' : 'false',
      USE_STATEFUL_SESSIONS: 'true',
      RATE_LIMITING_ENABLED: 'false',
      // The backend is on loopback, which its SSRF guard refuses by default.
      SSRF_ALLOW_LOCALHOST: 'true',
      MCPGATEWAY_UI_ENABLED: 'false',
      MCPGATEWAY_ADMIN_API_ENABLED: 'false',
      LOG_LEVEL: 'ERROR',
      ...this.options.env,
    };
    const venv = venvDir();
    const peer = await startPeerProcess({
      command: path.join(venv, 'bin', 'mcpgateway'),
      args: ['--host', '127.0.0.1', '--port', String(port)],
      env,
      cwd: workDir,
      logFile: path.join(workDir, 'contextforge.log'),
    });
    try {
      const [token] = await Promise.all([
        makeToken(venv, env, workDir),
        waitFor(peer, `ContextForge health on ${base}/health`, 120_000, async () => ((await fetch(`${base}/health`)).ok ? true : null)),
      ]);
      const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const registered = await fetch(`${base}/gateways`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: GATEWAY_NAME, url: backend.url, transport: 'STREAMABLEHTTP' }),
        signal: AbortSignal.timeout(60_000),
      });
      const gatewayText = await registered.text();
      if (!registered.ok) throw new Error(`POST /gateways: HTTP ${registered.status} ${gatewayText.slice(0, 300)}`);
      const gateway = JSON.parse(gatewayText) as { id?: string; slug?: string };
      const echoTool = await waitFor(peer, 'the echo tool in GET /tools', 15_000, async () => {
        const res = await fetch(`${base}/tools`, { headers: admin });
        if (!res.ok) throw new Error(`GET /tools: HTTP ${res.status}`);
        return findEchoTool(await res.json(), gateway.slug ?? GATEWAY_NAME);
      });
      const headers: Record<string, string> = this.options.clientAuth ? { authorization: `Bearer ${token}` } : {};
      const url = `${base}/mcp`;
      const probe = await waitFor(peer, `an echo call through ${url}`, 20_000, () => probeEcho(url, { tool: echoTool, headers }));
      return {
        url,
        echoTool,
        headers,
        pids: [peer.pid],
        auxiliaryPids: {},
        describe: {
          peer: `IBM ContextForge: ${contextForgeVersion()} (PyPI)`,
          server: 'mcpgateway CLI: uvicorn, 1 worker, Python runtime',
          database: 'SQLite, fresh per start; CACHE_TYPE=memory',
          backend: `registered with POST /gateways as ${GATEWAY_NAME} (STREAMABLEHTTP), gateway id ${gateway.id ?? '?'}`,
          sessions: 'USE_STATEFUL_SESSIONS=true (one upstream session per client session)',
          auth: this.options.clientAuth
            ? 'JWT (HS256) on the admin API and on /mcp'
            : 'JWT (HS256) on the admin API; /mcp open (MCP_REQUIRE_AUTH=false, public tools)',
          rateLimiting: 'off (RATE_LIMITING_ENABLED=false)',
          logLevel: 'ERROR',
          ...(this.options.env ? { extraSettings: Object.entries(this.options.env).map(([k, v]) => `${k}=${v}`).join(' ') } : {}),
          probeCallMs: probe.callMs.toFixed(1),
        },
        stop: async () => {
          await stopPeerProcess(peer);
          await rm(workDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await stopPeerProcess(peer);
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** A JWT for the platform admin, made with ContextForge's own tool and signed with the instance's secret (from `env`). */
function makeToken(venv: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const python = path.join(venv, 'bin', 'python');
  const args = ['-m', 'mcpgateway.utils.create_jwt_token', '--username', ADMIN_EMAIL, '--admin', '--exp', '10080'];
  return new Promise((resolve, reject) => {
    execFile(python, args, { env, cwd, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const token = stdout
        .split(/\r?\n/)
        .map((line) => line.trim())
        .reverse()
        .find((line) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(line));
      if (error || token === undefined) {
        const why = error ? (error.killed ? `stopped (${error.signal ?? 'timeout'})` : `exit code ${String(error.code)}`) : 'no token printed';
        reject(new Error(`python -m mcpgateway.utils.create_jwt_token: ${why}: ${lastLines(`${stdout}\n${stderr}`, 8)}`));
        return;
      }
      resolve(token);
    });
  });
}

/** Name of the backend's `echo` tool in a `GET /tools` answer (a list, or an object holding one), or null. */
function findEchoTool(body: unknown, slug: string): string | null {
  const record = body as Record<string, unknown> | null;
  const list = Array.isArray(body) ? body : Array.isArray(record?.['items']) ? record['items'] : Array.isArray(record?.['tools']) ? record['tools'] : [];
  for (const tool of list as Array<Record<string, unknown>>) {
    if (tool['originalName'] === 'echo' && (tool['gatewaySlug'] === undefined || tool['gatewaySlug'] === slug) && typeof tool['name'] === 'string') {
      return tool['name'];
    }
  }
  return null;
}

