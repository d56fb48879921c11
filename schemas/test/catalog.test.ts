import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, TOPICS, topicDeclaration, topicName, type TopicKey } from '../src/index.js';

/** Compaction keeps the latest record per key, so a compacted topic must be keyed by the entity whose state it holds. */
const ENTITY_KEYS: readonly TopicKey[] = ['session', 'registry'];

describe('topic catalog', () => {
  it.each(EVENT_TYPES)('%s is written to exactly one topic', (type) => {
    expect(TOPICS.filter((t) => t.events.includes(type)).map((t) => t.name)).toHaveLength(1);
  });

  it('lists only known event types', () => {
    const known: readonly string[] = EVENT_TYPES;
    expect(TOPICS.flatMap((t) => t.events).filter((e) => !known.includes(e))).toEqual([]);
  });

  it('has unique topic names', () => {
    const names = TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keys every compacted topic by an entity', () => {
    for (const topic of TOPICS.filter((t) => t.compacted)) expect(ENTITY_KEYS).toContain(topic.key);
  });

  it('gives every topic at least one partition and a retention', () => {
    for (const topic of TOPICS) {
      expect(topic.partitions).toBeGreaterThanOrEqual(1);
      expect(topic.retentionMs === -1 || topic.retentionMs > 0).toBe(true);
    }
  });

  it('names a physical topic as prefix plus logical name', () => {
    expect(topicName('sluice.', 'requests')).toBe('sluice.requests');
    expect(topicName('', 'dead-letter')).toBe('dead-letter');
  });

  it('finds a declaration by name', () => {
    expect(topicDeclaration('replies').key).toBe('ingress-node');
  });
});
