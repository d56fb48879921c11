/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) that the summaries need. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Time charged to one function, or to one group of functions. */
export interface TimeRow {
  name: string;
  /** Script and 1-based line (shortened), or empty for a group. */
  where: string;
  ms: number;
  /** Share of all sampled time except (idle). */
  share: number;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** How functions are keyed and labelled. */
export interface Labeler {
  /** Shortens a script URL for display. */
  shorten(url: string): string;
}

const IDLE = '(idle)';

/** The milliseconds each sample stands for: V8 stores the delta before each sample, so a sample lasts until the next. */
function sampleMs(profile: CpuProfile, i: number): number {
  return (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
}

function label(frame: Frame, labeler: Labeler): { name: string; where: string } {
  return { name: frame.functionName || '(anonymous)', where: frame.url ? `${labeler.shorten(frame.url)}:${frame.lineNumber + 1}` : '' };
}

function rows(totals: Map<string, TimeRow>, busy: number): TimeRow[] {
  const list = [...totals.values()].filter((r) => r.name !== IDLE);
  for (const r of list) r.share = busy > 0 ? r.ms / busy : 0;
  return list.sort((a, b) => b.ms - a.ms);
}

/** Sampled time that is not (idle), in milliseconds. */
export function busyMs(profile: CpuProfile): number {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (frames.get(id)?.functionName !== IDLE) busy += sampleMs(profile, i);
  });
  return busy;
}

/**
 * Self time per function (same name, script and line merged), or per group when `groupOf` is given: each
 * sample's time is charged to the frame it hit. (idle) is left out; (program) and (garbage collector) stay in.
 */
export function selfTimes(profile: CpuProfile, labeler: Labeler, groupOf?: (frame: Frame) => string): TimeRow[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, TimeRow>();
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    if (!frame || frame.functionName === IDLE) return;
    const { name, where } = groupOf ? { name: groupOf(frame), where: '' } : label(frame, labeler);
    const key = `${name}\u0000${where}`;
    const row = totals.get(key) ?? { name, where, ms: 0, share: 0 };
    row.ms += sampleMs(profile, i);
    totals.set(key, row);
  });
  return rows(totals, busyMs(profile));
}

/**
 * Inclusive (total) time per function whose frame passes `keep`: each sample's time is charged once to every
 * distinct kept function on its stack. Shows which of our functions the self time is spent under.
 */
export function inclusiveTimes(profile: CpuProfile, labeler: Labeler, keep: (frame: Frame) => boolean): TimeRow[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, TimeRow>();
  profile.samples.forEach((id, i) => {
    if (frames.get(id)?.functionName === IDLE) return;
    const ms = sampleMs(profile, i);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = frames.get(node);
      if (!frame || !keep(frame)) continue;
      const { name, where } = label(frame, labeler);
      const key = `${name}\u0000${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const row = totals.get(key) ?? { name, where, ms: 0, share: 0 };
      row.ms += ms;
      totals.set(key, row);
    }
  });
  return rows(totals, busyMs(profile));
}
