import type { RunningTarget, Target, BackendEndpoint } from './target.js';

/** A running Sluice scenario, with what the soak needs to watch it. */
export interface SluiceRunning extends RunningTarget {
  /** Admin ports of every Sluice process (each serves /metrics). */
  adminPorts: number[];
  /** Admin port of the process that runs the audit sink, or null when audit is off. */
  auditAdminPort: number | null;
  /** Bearer token of every admin port (the processes share one data directory). */
  adminToken: string;
  /** Pid of each process by its role(s), e.g. `all` or `router`. */
  roles: Record<string, number>;
}

/** A Sluice scenario as a target. */
export interface SluiceTarget extends Target {
  start(backend: BackendEndpoint, port: number): Promise<SluiceRunning>;
}
