import { describe, expect, it } from 'vitest';
import { inclusiveTimes, selfTimes, type CpuProfile } from '../../src/profile/self-time.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

// root → handle → { encode, (garbage collector) }, plus (idle); each sample lasts until the next one.
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('handle', 'file:///x/ingress/dist/a.js'), children: [3, 4] },
    { id: 3, callFrame: frame('encode', 'file:///x/node_modules/avsc/lib.js') },
    { id: 4, callFrame: frame('(garbage collector)') },
    { id: 5, callFrame: frame('(idle)') },
  ],
  samples: [3, 3, 2, 4, 5, 3],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('CPU profile summaries', () => {
  const labeler = { shorten: (u: string) => u.replace('file:///x/', '') };

  it('charges each sample to the function it hit, leaving (idle) out of the shares', () => {
    const rows = selfTimes(PROFILE, labeler);
    expect(rows.map((r) => [r.name, r.ms])).toEqual([
      ['encode', 3],
      ['handle', 1],
      ['(garbage collector)', 1],
    ]);
    expect(rows[0]!.share).toBeCloseTo(0.6, 5);
    expect(rows[0]!.where).toBe('node_modules/avsc/lib.js:1');
  });

  it('groups self time, and charges inclusive time to every kept caller once', () => {
    expect(selfTimes(PROFILE, labeler, (f) => (f.url.includes('avsc') ? 'avsc' : 'other')).map((r) => [r.name, r.ms])).toEqual([
      ['avsc', 3],
      ['other', 2],
    ]);
    const inclusive = inclusiveTimes(PROFILE, labeler, (f) => f.url.includes('ingress'));
    expect(inclusive.map((r) => [r.name, r.ms])).toEqual([['handle', 5]]);
  });
});
