import { PEER_TARGETS } from '../peers/index.js';
import type { BenchSettings } from '../settings.js';
import type { BenchAuth } from '../targets/bench-auth.js';
import { directTarget } from '../targets/direct.js';
import { floorTarget } from '../targets/floor.js';
import type { Broker } from '../targets/kafka-broker.js';
import { sluiceEmbeddedTarget } from '../targets/sluice-embedded.js';
import { sluiceKafkaTarget } from '../targets/sluice-kafka.js';
import type { Target } from '../targets/target.js';

/** A target in the order of a round, with the id the report uses. */
export interface PlannedTarget {
  id: string;
  title: string;
  target: Target;
  /** Runs the sweep cases too (the baseline and S3). */
  sweeps: boolean;
  kind: 'direct' | 'sluice' | 'peer';
}

/** The id of the baseline every ratio is quoted against, and of its control twin. */
export const BASELINE = 'S0';
export const CONTROL = 'S0-control';
/** The bare forwarder: what a process in the path costs before it does anything of its own. */
export const FLOOR = 'F0';

/**
 * The targets of a round, in order: the baseline first, the bare forwarder, then S1–S4, the peers, and the control twin of the
 * baseline last (so the control pair brackets the round and shows its drift and noise).
 */
export function planTargets(settings: Readonly<BenchSettings>, broker: () => Broker | null, topicPrefix: string, auth: BenchAuth | null): PlannedTarget[] {
  const all: PlannedTarget[] = [
    { id: BASELINE, title: 'direct (load generator → backend)', target: directTarget('direct'), sweeps: true, kind: 'direct' },
    {
      id: FLOOR,
      title: 'bare forwarder (HTTP in, HTTP out, nothing parsed): the floor of any Node.js gateway',
      target: floorTarget(settings),
      sweeps: false,
      kind: 'direct',
    },
    {
      id: 'S1',
      title: 'Sluice embedded, policy off, audit off',
      target: sluiceEmbeddedTarget('s1', { policy: false, audit: false }, settings, auth),
      sweeps: false,
      kind: 'sluice',
    },
    { id: 'S2', title: 'Sluice embedded, default policy, audit off', target: sluiceEmbeddedTarget('s2', { policy: true, audit: false }, settings, auth), sweeps: false, kind: 'sluice' },
    { id: 'S3', title: 'Sluice embedded, default policy, chDB audit', target: sluiceEmbeddedTarget('s3', { policy: true, audit: true }, settings, auth), sweeps: true, kind: 'sluice' },
    { id: 'S4', title: 'Sluice on Kafka, four role processes', target: sluiceKafkaTarget('s4', settings, broker, topicPrefix, auth), sweeps: false, kind: 'sluice' },
    ...(settings.peers
      ? PEER_TARGETS.map((target): PlannedTarget => ({ id: `peer:${target.name}`, title: target.name, target, sweeps: false, kind: 'peer' }))
      : []),
    ...(settings.mode === 'smoke' ? [] : [{ id: CONTROL, title: 'direct again (control twin of S0)', target: directTarget('direct-control'), sweeps: false, kind: 'direct' as const }]),
  ];
  return all.filter((t) => settings.targets.length === 0 || settings.targets.includes(t.id) || (t.id === CONTROL && settings.targets.includes(BASELINE)));
}
