/** The neutral backend a target forwards to. */
export interface BackendEndpoint {
  /** Streamable HTTP endpoint of the backend, e.g. http://127.0.0.1:4100/mcp */
  url: string;
  /** How to start the same backend over stdio, for targets that spawn it themselves. */
  stdio: { command: string; args: string[]; env: Record<string, string> };
}

/** A system under test, started and ready to take MCP traffic. */
export interface RunningTarget {
  /** Streamable HTTP endpoint clients call. */
  url: string;
  /** Name under which the backend's `echo` tool is reachable through this target (e.g. `bench__echo`). */
  echoTool: string;
  /** Processes whose CPU and RSS count as the target's cost (the broker is reported separately). */
  pids: number[];
  /** Processes measured but reported apart (e.g. the Kafka broker). */
  auxiliaryPids: Record<string, number[]>;
  /** Versions and settings, for the report. */
  describe: Record<string, string>;
  /** Bearer tokens the generator sends, one per session, when the target requires them. */
  bearerTokens?: readonly string[];
  stop(): Promise<void>;
}

/** Something that can be put under load: a direct backend, Sluice in a mode, or a peer gateway. */
export interface Target {
  name: string;
  /** Whether it can run on this machine; when not, the reason goes into the report verbatim. */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  start(backend: BackendEndpoint, port: number): Promise<RunningTarget>;
}
