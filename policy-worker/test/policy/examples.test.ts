import type { RegistryServer } from '@sluice/schemas';
import { beforeAll, describe, expect, it } from 'vitest';
import { decideMessage } from '../../src/decisions/decide-message.js';
import { decide } from '../../src/policy/decide.js';
import { loadBundleEngine, type PolicyEngine } from '../../src/policy/engine.js';
import { parseRecordedInput } from '../../src/policy/input.js';
import { RegistryView } from '../../src/registry/registry-view.js';
import { requestEvent, toolCall, type RequestOptions } from '../support/events.js';
import { buildBundleFromFiles, opaPath } from '../support/opa.js';

const server = (name: string, tools: string[]): RegistryServer => ({
  name,
  transport: 'stdio',
  status: 'up',
  tools: tools.map((t) => ({ name: t, exposedName: `${name}__${t}`, description: null })),
  withheld: [],
});

const registry = new RegistryView({
  files: { tenants: null, environments: null, roles: null },
  payments: { tenants: null, environments: null, roles: null },
  'prod-db': { tenants: null, environments: null, roles: null },
  staging: { tenants: null, environments: null, roles: null },
  crm: { tenants: ['globex'], environments: null, roles: null },
});
registry.update({
  servers: [
    server('files', ['read_file', 'fetch_url', 'write_file', 'reader']),
    server('payments', ['charge']),
    server('prod-db', ['query']),
    server('staging', ['query']),
    server('crm', ['read_contacts']),
  ],
});

/** Builds an example together with the default policy, as an operator would deploy it, and loads it in the worker's engine. */
async function example(file: string): Promise<{ bundle: string; engine: PolicyEngine }> {
  const bundle = await buildBundleFromFiles(['policy-worker/policy/sluice.rego', `policy-worker/policy/examples/${file}`]);
  return { bundle, engine: await loadBundleEngine(bundle) };
}

/** Decides tool calls as the worker does, and keeps every decision for the replay check. */
function decider(engine: PolicyEngine, recorded: Array<{ allow: boolean; reason: string; input: string; inputHash: string }>) {
  return (tool: string, options: RequestOptions = {}) => {
    const { body } = decideMessage(tool.includes('/') ? requestEvent(tool, {}, options) : toolCall(tool, options), registry, engine);
    recorded.push(body);
    return { allow: body.allow, reason: body.reason };
  };
}

/** Replays every recorded input through a fresh engine over the same bundle: each decision must come out the same. */
async function replay(bundle: string, recorded: Array<{ allow: boolean; reason: string; input: string; inputHash: string }>): Promise<void> {
  const fresh = await loadBundleEngine(bundle);
  expect(recorded.length).toBeGreaterThan(5);
  for (const body of recorded) {
    const input = parseRecordedInput(body.input);
    expect(input.hash).toBe(body.inputHash);
    expect(decide(fresh, input)).toEqual({ allow: body.allow, reason: body.reason });
  }
}

beforeAll(async () => {
  await opaPath();
}, 900_000);

describe('example policy: read_only role', () => {
  let bundle: string;
  let call: ReturnType<typeof decider>;
  const recorded: Parameters<typeof decider>[1] = [];

  beforeAll(async () => {
    const built = await example('read-only.rego');
    bundle = built.bundle;
    call = decider(built.engine, recorded);
  }, 60_000);

  it('lets a read_only principal call fetch_* and read_* tools, by the server’s own tool name', () => {
    expect(call('files__read_file', { roles: ['read_only'] })).toEqual({ allow: true, reason: 'tool "files__read_file" is provided by server "files"' });
    expect(call('files__fetch_url', { roles: ['read_only'] }).allow).toBe(true);
    expect(call('crm__read_contacts', { roles: ['read_only'], tenant: 'globex' }).allow).toBe(true);
  });

  it('denies a read_only principal every other tool, whatever other roles it holds', () => {
    const denied = 'tool "files__write_file" is not read-only, and role "read_only" may call only tools named fetch_* or read_*';
    expect(call('files__write_file', { roles: ['read_only'] })).toEqual({ allow: false, reason: denied });
    expect(call('files__write_file', { roles: ['admin', 'read_only'] })).toEqual({ allow: false, reason: denied });
    expect(call('files__reader', { roles: ['read_only'] }).allow).toBe(false);
    expect(call('payments__charge', { roles: ['read_only'] }).allow).toBe(false);
  });

  it('leaves principals without the role, and methods other than tools/call, to the default policy', () => {
    expect(call('files__write_file', { roles: ['dev'] }).allow).toBe(true);
    expect(call('files__write_file', { roles: [] }).allow).toBe(true);
    expect(call('tools/list', { roles: ['read_only'] })).toEqual({ allow: true, reason: 'not a tool call' });
  });

  it('keeps the default policy’s denials first: unknown tools and other tenants’ servers', () => {
    expect(call('files__read_nothing', { roles: ['read_only'] }).reason).toBe('tool "files__read_nothing" is not provided by any registered server');
    expect(call('crm__read_contacts', { roles: ['read_only'], tenant: 'acme' }).reason).toBe('tool "crm__read_contacts" is not available to tenant "acme"');
  });

  it('replay: every recorded input gives the recorded decision', async () => {
    await replay(bundle, recorded);
  });
});

describe('example policy: no production server on weekends', () => {
  let bundle: string;
  let call: ReturnType<typeof decider>;
  const recorded: Parameters<typeof decider>[1] = [];
  const at = (iso: string): number => Date.parse(iso);

  beforeAll(async () => {
    const built = await example('no-production-on-weekends.rego');
    bundle = built.bundle;
    call = decider(built.engine, recorded);
  }, 60_000);

  it('allows production servers on weekdays and denies them on Saturday and Sunday (UTC)', () => {
    const friday = at('2025-06-13T12:00:00Z');
    const saturday = at('2025-06-14T12:00:00Z');
    const sunday = at('2025-06-15T12:00:00Z');
    expect([friday, saturday, sunday].map((t) => new Date(t).getUTCDay())).toEqual([5, 6, 0]);
    expect(call('payments__charge', { time: friday })).toEqual({ allow: true, reason: 'tool "payments__charge" is provided by server "payments"' });
    expect(call('payments__charge', { time: saturday })).toEqual({
      allow: false,
      reason: 'tool "payments__charge" is provided by production server "payments", which is closed on Saturdays (UTC)',
    });
    expect(call('prod-db__query', { time: sunday })).toEqual({
      allow: false,
      reason: 'tool "prod-db__query" is provided by production server "prod-db", which is closed on Sundays (UTC)',
    });
  });

  it('draws the line at midnight UTC', () => {
    expect(call('prod-db__query', { time: at('2025-06-13T23:59:59.999Z') }).allow).toBe(true);
    expect(call('prod-db__query', { time: at('2025-06-14T00:00:00.000Z') }).allow).toBe(false);
    expect(call('prod-db__query', { time: at('2025-06-15T23:59:59.999Z') }).allow).toBe(false);
    expect(call('prod-db__query', { time: at('2025-06-16T00:00:00.000Z') }).allow).toBe(true);
  });

  it('agrees with the calendar every hour over two weeks, and never closes other servers', () => {
    const start = at('2026-02-23T00:30:00Z');
    for (let hour = 0; hour < 14 * 24; hour++) {
      const time = start + hour * 3_600_000;
      const weekend = [0, 6].includes(new Date(time).getUTCDay());
      expect(call('payments__charge', { time }).allow, new Date(time).toISOString()).toBe(!weekend);
      expect(call('staging__query', { time }).allow).toBe(true);
    }
  });

  it('takes the time from the request, not the clock: the same input gives the same decision on any day', () => {
    const saturday = at('2025-06-14T12:00:00Z');
    const first = call('payments__charge', { time: saturday });
    expect(call('payments__charge', { time: saturday })).toEqual(first);
    expect(first.allow).toBe(false);
  });

  it('replay: every recorded input gives the recorded decision', async () => {
    await replay(bundle, recorded);
  });
});
