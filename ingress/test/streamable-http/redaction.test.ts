import { createHmac } from 'node:crypto';
import { MemoryBus, encodedRecord, type ProduceRecord } from '@sluice/core';
import type { EventOf, SluiceEvent } from '@sluice/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDACTION_KEY, startHarness, type Harness } from '../support/harness.js';
import { callEcho, openSession, post } from '../support/http.js';

// Fake credentials of real shapes; none of them is real.
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtZmFrZS10b2tlbg';

/** A memory bus that keeps the encoded bytes of every record produced to it. */
class RecordingBus extends MemoryBus {
  readonly produced: ProduceRecord[] = [];

  override async produce(records: readonly ProduceRecord[]): Promise<void> {
    await super.produce(records);
    this.produced.push(...records);
  }

  text(): string {
    return this.produced.map((r) => encodedRecord(r).value.toString('latin1')).join('\n');
  }
}

const isCall =
  (id: number) =>
  (e: SluiceEvent): e is EventOf<'client.message'> =>
    e.type === 'client.message' && e.body.jsonrpcId === String(id);

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

describe('the ingress redacts client messages before publishing them', () => {
  it('stores no secret of the tool arguments on any topic; the policy, router and backend see keyed markers', async () => {
    const bus = new RecordingBus();
    harness = await startHarness({ bus, redaction: { tools: { echo: ['$.arguments.pin'] } } });
    const session = await openSession(harness.url);
    const args = {
      profile: `aws_access_key_id=${AWS_ID} aws_secret_access_key=${AWS_SECRET}`,
      again: AWS_ID,
      headers: { Authorization: `Bearer ${BEARER}` },
      pin: '4711',
    };
    const response = await callEcho(harness.url, session, 41, args);
    const event = await harness.waitFor(isCall(41));

    for (const secret of [AWS_ID, AWS_SECRET, BEARER, '"4711"']) expect(bus.text()).not.toContain(secret);
    const hash = createHmac('sha256', TEST_REDACTION_KEY).update(AWS_ID).digest('hex').slice(0, 16);
    const echoed = response.result.echoed.arguments;
    expect(echoed.profile).toMatch(new RegExp(`^aws_access_key_id=\\[redacted:aws-access-key-id:${hash}\\] aws_secret_access_key=\\[redacted:aws-secret-access-key:[0-9a-f]{16}\\]$`));
    expect(echoed.again).toBe(`[redacted:aws-access-key-id:${hash}]`);
    expect(echoed.headers.Authorization).toMatch(/^\[redacted:json-key:[0-9a-f]{16}\]$/);
    expect(echoed.pin).toMatch(/^\[redacted:path:[0-9a-f]{16}\]$/);
    expect(event.body.redaction).toEqual({ revision: expect.stringMatching(/^[0-9a-f]{16}$/), count: 5 });
  });

  it('publishes a message without secrets byte for byte as sent, with no redaction recorded', async () => {
    harness = await startHarness();
    const session = await openSession(harness.url);
    const body = '{"jsonrpc":"2.0", "id":42,"method":"tools/call","params":{"name":"echo","arguments":{"city":"Zürich","n":1.0}}}';
    const res = await post(harness.url, body, { 'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-11-25' });
    expect(res.status).toBe(200);
    const event = await harness.waitFor(isCall(42));
    expect(event.body.redaction).toBeNull();
    expect(Buffer.from(event.message!).toString('utf8')).toBe(body);
  });
});
