import type { EventType } from './events.js';

/** Logical topic names; the physical name is the configured prefix plus this name. */
export type TopicName = 'sessions' | 'requests' | 'decisions' | 'dispatches' | 'replies' | 'registry' | 'dead-letter';

/** What a topic is keyed by: ordering holds per key. */
export type TopicKey = 'session' | 'ingress-node' | 'registry' | 'source';

/** Declaration of one topic. */
export interface TopicDeclaration {
  name: TopicName;
  key: TopicKey;
  partitions: number;
  /** Retention in milliseconds; -1 keeps records for ever. */
  retentionMs: number;
  compacted: boolean;
  /** Event types written to this topic. */
  events: readonly EventType[];
  description: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** The one catalog of Sluice topics. */
export const TOPICS: readonly TopicDeclaration[] = [
  {
    name: 'sessions',
    key: 'session',
    partitions: 12,
    retentionMs: -1,
    compacted: true,
    events: ['session.opened', 'session.closed'],
    description: 'Session lifecycle; compacted to the latest state per session.',
  },
  {
    name: 'requests',
    key: 'session',
    partitions: 12,
    retentionMs: 7 * DAY,
    compacted: false,
    events: ['client.message'],
    description: 'Every JSON-RPC message a client sent, in order per session.',
  },
  {
    name: 'decisions',
    key: 'session',
    partitions: 12,
    retentionMs: 7 * DAY,
    compacted: false,
    events: ['policy.decision'],
    description: 'One policy decision per client message, carrying the message.',
  },
  {
    name: 'dispatches',
    key: 'session',
    partitions: 12,
    retentionMs: 7 * DAY,
    compacted: false,
    events: ['dispatch'],
    description: 'Written before a router calls a backend server.',
  },
  {
    name: 'replies',
    key: 'ingress-node',
    partitions: 16,
    retentionMs: 1 * DAY,
    compacted: false,
    events: ['backend.message'],
    description: 'Messages for clients; each ingress node reads only its own partition.',
  },
  {
    name: 'registry',
    key: 'registry',
    partitions: 1,
    retentionMs: -1,
    compacted: true,
    events: ['registry.snapshot'],
    description: 'Latest snapshot of backend servers and their tools.',
  },
  {
    name: 'dead-letter',
    key: 'source',
    partitions: 1,
    retentionMs: 30 * DAY,
    compacted: false,
    events: [],
    description: 'Records no reader could decode, as they were, with their source and the error in headers.',
  },
] as const;

/** The declaration of a logical topic. */
export function topicDeclaration(name: TopicName): TopicDeclaration {
  const found = TOPICS.find((t) => t.name === name);
  if (!found) throw new Error(`unknown topic ${name}`);
  return found;
}

/** Physical topic name for a logical topic under a prefix. */
export function topicName(prefix: string, name: TopicName): string {
  return `${prefix}${name}`;
}
