import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedCounter } from '../src/tallied-counter.js';

describe('TalliedCounter', () => {
  it('adds what was tallied per label set whenever the counter is read, and only once', async () => {
    const registry = new Registry();
    const counter = new TalliedCounter({ name: 'test_events_total', help: 'events', labelNames: ['topic', 'group'], registers: [registry] });
    const requests = counter.tally('requests', 'router');
    requests.inc();
    requests.inc(4);
    counter.tally('replies', 'ingress').inc(2);
    counter.tally('requests', 'router').inc();
    counter.tally('idle', 'none');

    const values = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await counter.get()).values.map((v) => [`${String(v.labels.topic)}/${String(v.labels.group)}`, v.value]));
    expect(await values()).toEqual({ 'requests/router': 6, 'replies/ingress': 2 });
    expect(await values()).toEqual({ 'requests/router': 6, 'replies/ingress': 2 });
    requests.inc();
    expect(await registry.metrics()).toContain('test_events_total{topic="requests",group="router"} 7');
  });
});
