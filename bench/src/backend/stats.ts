import type { Knobs } from './knobs.js';

/** Mutable state shared by one backend process's servers: its knobs and what it has served. */
export class BackendState {
  knobs: Knobs;
  calls = 0;
  sessions = 0;

  constructor(knobs: Knobs) {
    this.knobs = knobs;
  }

  /** What GET /bench/stats answers. */
  snapshot(): { knobs: Knobs; calls: number; sessions: number } {
    return { knobs: { ...this.knobs }, calls: this.calls, sessions: this.sessions };
  }
}
