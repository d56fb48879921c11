import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/bus/partitioner.js';

// murmur2 values from Apache Kafka's own tests (UtilsTest.testMurmur2).
const KAFKA_MURMUR2: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('partitionForKey', () => {
  it.each(KAFKA_MURMUR2)("puts %j where Kafka's default partitioner does", (key, murmur) => {
    for (const partitions of [1, 7, 12, 16, 1000]) {
      expect(partitionForKey(key, partitions)).toBe((murmur & 0x7fffffff) % partitions);
    }
  });

  it('is stable and spreads keys', () => {
    const parts = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`key-${i}`, 12)));
    expect(parts.size).toBe(12);
    expect(partitionForKey('session-1', 12)).toBe(partitionForKey('session-1', 12));
  });
});
