import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackendEndpoint, RunningTarget, Target } from '../targets/target.js';
import { probeEcho } from './mcp-probe.js';
import { descendantsOf, ensureInstalled, peerDir, peerScript, shellQuote, startPeerProcess, stopPeerProcess, waitFor } from './peer-process.js';

/** The pinned supergateway release (npm); bench/peers/install-supergateway.sh installs it. */
export const SUPERGATEWAY_VERSION = '4.0.0';

/** The pinned mcp-proxy release (npm); bench/peers/install-mcp-proxy.sh installs it. */
export const MCP_PROXY_VERSION = '6.7.19';

/** How one npm proxy that serves a stdio MCP server over Streamable HTTP is installed and started. */
interface StdioProxySpec {
  name: string;
  installScript: string;
  /** Node arguments (script and its options) that start it on `port`, spawning `stdio` itself. */
  nodeArgs(port: number, stdio: BackendEndpoint['stdio']): string[];
  describe: Record<string, string>;
}

/**
 * A proxy that spawns the backend over stdio (`backend.stdio`) and serves it at `http://127.0.0.1:<port>/mcp`; the
 * echo tool keeps its name. The proxy runs on this process's Node. Its process tree holds the stdio backend it
 * spawned, which `auxiliaryPids['stdio-backend']` lists (read when asked, as those processes may come and go).
 */
class StdioProxyTarget implements Target {
  /** Target name in reports. */
  readonly name: string;

  constructor(private readonly spec: StdioProxySpec) {
    this.name = spec.name;
  }

  /** Installs it (cached after the first time, a few seconds) and says whether that worked. */
  available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return ensureInstalled(this.spec.installScript);
  }

  /** Starts it on `port` and resolves once an echo call through it has succeeded. */
  async start(backend: BackendEndpoint, port: number): Promise<RunningTarget> {
    const installed = await this.available();
    if (!installed.ok) throw new Error(installed.reason);
    const dir = peerDir(this.spec.name);
    const peer = await startPeerProcess({
      command: process.execPath,
      args: this.spec.nodeArgs(port, backend.stdio),
      // Both proxies hand their own environment to the stdio server they spawn.
      env: { ...process.env, ...backend.stdio.env },
      cwd: dir,
      logFile: path.join(dir, 'logs', `port-${port}.log`),
    });
    const url = `http://127.0.0.1:${port}/mcp`;
    try {
      const probe = await waitFor(peer, `an echo call through ${url}`, 30_000, () => probeEcho(url, { tool: 'echo' }));
      return {
        url,
        echoTool: 'echo',
        pids: [peer.pid],
        get auxiliaryPids(): Record<string, number[]> {
          return { 'stdio-backend': descendantsOf(peer.pid) };
        },
        describe: {
          ...this.spec.describe,
          backend: `spawned over stdio: ${[backend.stdio.command, ...backend.stdio.args].map((a) => path.basename(a)).join(' ')}`,
          probeCallMs: probe.callMs.toFixed(1),
        },
        stop: () => stopPeerProcess(peer),
      };
    } catch (error) {
      await stopPeerProcess(peer);
      throw error;
    }
  }
}

/**
 * supergateway: `--stdio <backend> --outputTransport streamableHttp --stateful`. In stateful mode it spawns one
 * backend process per MCP session (its stateless mode spawns one per request). It has no listen-address option, so
 * bench/peers/loopback-only.mjs is preloaded to keep it on 127.0.0.1. Logging is off (`--logLevel none`): at its
 * default level it logs every message.
 */
export const supergatewayTarget: Target = new StdioProxyTarget({
  name: 'supergateway',
  installScript: 'install-supergateway.sh',
  nodeArgs: (port, stdio) => [
    '--import',
    pathToFileURL(peerScript('loopback-only.mjs')).href,
    path.join(peerDir('supergateway'), 'node_modules', 'supergateway', 'dist', 'index.js'),
    '--stdio',
    [stdio.command, ...stdio.args].map(shellQuote).join(' '),
    '--outputTransport',
    'streamableHttp',
    '--stateful',
    '--streamableHttpPath',
    '/mcp',
    '--port',
    String(port),
    '--logLevel',
    'none',
  ],
  describe: {
    peer: `supergateway ${SUPERGATEWAY_VERSION} (npm)`,
    mode: 'stdio -> Streamable HTTP, --stateful (one backend process per session), --logLevel none',
  },
});

/**
 * mcp-proxy (npm): `--server stream -- <backend>`: one backend process shared by every session, Streamable HTTP at
 * `/mcp` with its defaults (stateful sessions, resumability event store on).
 */
export const mcpProxyTarget: Target = new StdioProxyTarget({
  name: 'mcp-proxy',
  installScript: 'install-mcp-proxy.sh',
  nodeArgs: (port, stdio) => [
    path.join(peerDir('mcp-proxy'), 'node_modules', 'mcp-proxy', 'dist', 'bin', 'mcp-proxy.mjs'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--server',
    'stream',
    '--streamEndpoint',
    '/mcp',
    '--',
    stdio.command,
    ...stdio.args,
  ],
  describe: {
    peer: `mcp-proxy ${MCP_PROXY_VERSION} (npm)`,
    mode: 'stdio -> Streamable HTTP, stateful sessions, one shared backend process, event store on (defaults)',
  },
});
