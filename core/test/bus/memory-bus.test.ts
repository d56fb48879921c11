import { MemoryBus } from '../../src/bus/memory-bus.js';
import type { Bus } from '../../src/bus/types.js';
import { busContract } from './contract.js';

busContract('memory', async () => {
  const bus = new MemoryBus();
  // A "restarted process" is another client of the same log; closing it leaves the log alone.
  const client = (): Bus => ({
    kind: 'memory',
    createTopics: (s) => bus.createTopics(s),
    produce: (r) => bus.produce(r),
    subscribe: (o, h) => bus.subscribe(o, h),
    partitionCount: (t) => bus.partitionCount(t),
    close: async () => {},
  });
  return {
    bus,
    connect: async () => client(),
    failNextProduce: () => bus.failNextProduce(),
    patienceMs: 2_000,
    close: () => bus.close(),
  };
});
