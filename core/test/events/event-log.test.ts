import { CURRENT_SCHEMA_VERSION, SchemaError, decodeEvent, encodeEvent, type SluiceEvent } from '@sluice/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import type { ProduceRecord } from '../../src/bus/types.js';
import { EventLog, type ConsumedEvent } from '../../src/events/event-log.js';
import { newEvent } from '../../src/events/new-event.js';

const buses: MemoryBus[] = [];

afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

async function log(): Promise<EventLog> {
  const bus = new MemoryBus();
  buses.push(bus);
  const events = new EventLog(bus, 'test');
  await events.ensureTopics();
  return events;
}

function consume(events: EventLog, group: string): { seen: ConsumedEvent[]; ready: Promise<unknown> } {
  const seen: ConsumedEvent[] = [];
  const ready = events.subscribe({ group, topics: ['requests'] }, async (batch) => {
    seen.push(...batch);
  });
  return { seen, ready };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('EventLog on the in-memory bus', () => {
  it('hands consumers exactly what decoding the record gives, frozen and shared by every group', async () => {
    const events = await log();
    const message = new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"tools/call"}');
    const published: SluiceEvent = {
      ...newEvent('client.message', { kind: 'request', method: 'tools/call', jsonrpcId: '1', redaction: null }, { tenant: 'acme', sessionId: 's1', message }),
      schemaVersion: 0,
    };
    const first = consume(events, 'one');
    const second = consume(events, 'two');
    await Promise.all([first.ready, second.ready]);
    await events.publish('requests', [published]);
    await until(() => first.seen.length === 1 && second.seen.length === 1);

    const got = first.seen[0]!.event;
    expect(got).toEqual(decodeEvent(first.seen[0]!.record.value));
    expect(got).toEqual(decodeEvent(encodeEvent(published)));
    expect(Buffer.isBuffer(got.message)).toBe(true);
    expect(got.schemaVersion).toBe(CURRENT_SCHEMA_VERSION['client.message']);
    expect(second.seen[0]!.event).toBe(got);
    expect(Object.isFrozen(got) && Object.isFrozen(got.body) && Object.isFrozen(got.principal)).toBe(true);
    expect(() => {
      (got as { tenant: string }).tenant = 'other';
    }).toThrow(TypeError);
  });

  it('checks every event when it is published, but encodes it only when a reader asks for the bytes', async () => {
    const bus = new MemoryBus();
    buses.push(bus);
    const produced: ProduceRecord[] = [];
    const produce = bus.produce.bind(bus);
    bus.produce = async (records) => {
      produced.push(...records);
      await produce(records);
    };
    const events = new EventLog(bus, 'test');
    await events.ensureTopics();
    const reader = consume(events, 'reader');
    await reader.ready;
    const event = newEvent('client.message', { kind: 'request', method: 'ping', jsonrpcId: '1', redaction: null }, { tenant: 'acme', sessionId: 's1' });
    await events.publish('requests', [event]);
    await until(() => reader.seen.length === 1);
    expect(typeof produced[0]!.value).toBe('function');
    expect(reader.seen[0]!.record.value).toEqual(encodeEvent(event));

    const unfit = { ...event, body: { ...event.body, extra: 1 } } as unknown as SluiceEvent;
    const err = await events.publish('requests', [unfit]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaError);
    expect((err as SchemaError).code).toBe('SLUICE_SCHEMA_ENCODE_INVALID');
    expect(produced).toHaveLength(1);
  });

  it('decodes records it did not publish itself', async () => {
    const events = await log();
    const reader = consume(events, 'reader');
    await reader.ready;
    const event = newEvent('session.closed', { reason: 'client-delete' }, { tenant: 'acme', sessionId: 's2' });
    await events.bus.produce([{ topic: events.topic('requests'), key: 's2', value: encodeEvent(event) }]);
    await until(() => reader.seen.length === 1);
    expect(reader.seen[0]!.event).toEqual(decodeEvent(encodeEvent(event)));
    expect(Object.isFrozen(reader.seen[0]!.event)).toBe(false);
  });
});
