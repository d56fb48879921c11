import { toAuditBatch } from '@sluice/audit-sink';
import { describe, expect, it } from 'vitest';
import { costLine } from '../../src/audit-cost/batch-sizes.js';
import { CallEvents, EVENTS_PER_CALL, byPartition } from '../../src/audit-cost/call-events.js';

describe('audit-cost benchmark pieces', () => {
  it('makes five events per call, on their topics, with offsets counting up per partition and one call row', () => {
    const source = new CallEvents();
    const events = source.many(4, 1_767_225_600_000);
    expect(events).toHaveLength(4 * EVENTS_PER_CALL);
    expect(events.slice(0, 5).map((e) => `${e.event.type} ${e.record.topic}`)).toEqual([
      'session.opened sluice.sessions',
      'client.message sluice.requests',
      'policy.decision sluice.decisions',
      'dispatch sluice.dispatches',
      'backend.message sluice.replies',
    ]);
    for (const group of byPartition(events)) {
      expect(new Set(group.map((e) => `${e.record.topic}/${e.record.partition}`)).size).toBe(1);
      const offsets = group.map((e) => Number(e.record.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    const batch = toAuditBatch(events);
    expect(batch.calls).toHaveLength(4);
    expect(batch.events[1]!.message.length).toBeGreaterThan(1_000);
  });

  it('splits per-batch cost into a fixed part and a part per event', () => {
    const line = costLine([50, 500, 5_000].map((events) => ({ events, us: 12_000 + 20 * events })));
    expect(line.fixedUs).toBeCloseTo(12_000, 6);
    expect(line.perEventUs).toBeCloseTo(20, 9);
  });
});
