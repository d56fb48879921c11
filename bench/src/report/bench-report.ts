import type { CaseSpec } from '../plan/cases.js';
import type { CaseRun } from '../run/case-run.js';
import type { SoakOutcome } from '../run/soak.js';
import type { CaseSummary } from './aggregate.js';
import type { FloorCheck } from './floors.js';
import type { MachineInfo } from './machine.js';

/** Everything a run wrote: the JSON report (the markdown one is rendered from it). */
export interface BenchReport {
  title: string;
  mode: 'full' | 'smoke';
  command: string;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  machine: MachineInfo;
  /** Settings that shape the numbers. */
  settings: Record<string, unknown>;
  method: string[];
  plan: { description: string[]; cases: CaseSpec[]; targets: Array<{ id: string; title: string; kind: string; sweeps: boolean }> };
  /** Targets that could not run here, with their reason. */
  unavailable: Array<{ id: string; reason: string }>;
  /** How each target described itself (versions, settings). */
  targets: Record<string, Record<string, string>>;
  summary: CaseSummary[];
  floors: FloorCheck[];
  soak: SoakOutcome[];
  notes: string[];
  /** Every case run of every round, with its compressed histogram. */
  runs: CaseRun[];
}
