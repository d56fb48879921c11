import type { SluiceRunning } from '../targets/sluice-target.js';
import type { RunningTarget } from '../targets/target.js';

/**
 * The process groups a load job measures: the target's processes, the backend, the target's auxiliary processes
 * (a broker), and, for a multi-process Sluice target, each process on its own (`role:router`, …).
 */
export function measureGroups(running: RunningTarget, backendPid: number): Record<string, number[]> {
  const roles = (running as Partial<SluiceRunning>).roles ?? {};
  const perRole = Object.keys(roles).length < 2 ? {} : Object.fromEntries(Object.entries(roles).map(([role, pid]) => [`role:${role}`, [pid]]));
  return { target: running.pids, backend: [backendPid], ...running.auxiliaryPids, ...perRole };
}
