import type { BackendEndpoint, RunningTarget, Target } from './target.js';

/** S0: the load generator calls the neutral backend itself; the backend is measured separately, as everywhere. */
export function directTarget(name: string): Target {
  return {
    name,
    available: () => Promise.resolve({ ok: true }),
    start(backend: BackendEndpoint): Promise<RunningTarget> {
      return Promise.resolve({
        url: backend.url,
        echoTool: 'echo',
        pids: [],
        auxiliaryPids: {},
        describe: { mode: 'direct: load generator → backend' },
        stop: () => Promise.resolve(),
      });
    },
  };
}
