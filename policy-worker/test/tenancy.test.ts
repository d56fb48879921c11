import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventLog, MemoryBus, createLogger, createMetrics, parseConfig, type RunningService } from '@sluice/core';
import type { EventOf, RegistryServer } from '@sluice/schemas';
import { decide } from '../src/policy/decide.js';
import { loadPolicyEngine } from '../src/policy/engine.js';
import { parseRecordedInput } from '../src/policy/input.js';
import { startPolicyWorker } from '../src/policy-worker.js';
import { requestEvent, snapshotEvent, toolCall, type RequestOptions } from './support/events.js';

const CONFIG = `
log: { level: silent }
servers:
  books: { transport: stdio, command: books-server, tenants: [acme] }
  crm: { transport: stdio, command: crm-server, tenants: [globex] }
  ledger: { transport: stdio, command: ledger-server, roles: [finance, admin] }
`;

const server = (name: string, tools: string[]): RegistryServer => ({
  name,
  transport: 'stdio',
  status: 'up',
  tools: tools.map((t) => ({ name: t, exposedName: `${name}__${t}`, description: null })),
  withheld: [],
});

/** The registry as the router publishes it: every server, whatever its tenants (and one this config does not name). */
const REGISTRY = [server('books', ['read']), server('crm', ['lookup']), server('ledger', ['post']), server('stray', ['run'])];

describe('policy worker: tenants and roles of servers', () => {
  const bus = new MemoryBus();
  const events = new EventLog(bus, 'sluice.');
  const decided: EventOf<'policy.decision'>[] = [];
  let worker: RunningService;

  beforeAll(async () => {
    await events.ensureTopics();
    await events.subscribe({ group: 'test-reader', topics: ['decisions'] }, async (batch) => {
      for (const { event } of batch) if (event.type === 'policy.decision') decided.push(event);
    });
    const config = parseConfig(CONFIG, join(tmpdir(), 'sluice.yaml'));
    worker = await startPolicyWorker({ config, events, logger: createLogger('silent'), metrics: createMetrics() });
    await events.publish('registry', [snapshotEvent(REGISTRY)]);
  });

  afterAll(async () => {
    await worker?.stop();
    await bus.close();
  });

  async function decideAll(requests: EventOf<'client.message'>[]): Promise<EventOf<'policy.decision'>['body'][]> {
    await events.publish('requests', requests);
    const ids = requests.map((r) => r.requestId);
    await vi.waitFor(() => expect(decided.filter((d) => ids.includes(d.requestId))).toHaveLength(requests.length));
    return ids.map((id) => decided.find((d) => d.requestId === id)!.body);
  }

  const call = (tool: string, options: RequestOptions) => toolCall(tool, { session: `${options.tenant}-session`, ...options });

  it('lets each tenant reach its own server and denies the other tenant’s, without naming that server', async () => {
    const [acmeOwn, acmeOther, globexOwn, globexOther] = await decideAll([
      call('books__read', { tenant: 'acme' }),
      call('crm__lookup', { tenant: 'acme' }),
      call('crm__lookup', { tenant: 'globex' }),
      call('books__read', { tenant: 'globex' }),
    ]);
    expect(acmeOwn).toMatchObject({ allow: true, server: 'books', tool: 'read' });
    expect(globexOwn).toMatchObject({ allow: true, server: 'crm', tool: 'lookup' });
    expect(acmeOther).toMatchObject({ allow: false, reason: 'tool "crm__lookup" is not available to tenant "acme"', server: 'crm' });
    expect(globexOther).toMatchObject({ allow: false, reason: 'tool "books__read" is not available to tenant "globex"', server: 'books' });
    expect(JSON.parse(acmeOther!.input)).toMatchObject({ tenant: 'acme', resolved: { server: 'crm', tenants: ['globex'], roles: null } });
  });

  it('denies a tenant no server lists every restricted server, and lets it list tools (the router filters them)', async () => {
    const [books, crm, list] = await decideAll([
      call('books__read', { tenant: 'initech' }),
      call('crm__lookup', { tenant: 'initech' }),
      requestEvent('tools/list', {}, { tenant: 'initech', session: 'initech-session' }),
    ]);
    expect([books?.allow, crm?.allow, list?.allow]).toEqual([false, false, true]);
  });

  it('denies a server the configuration does not name, whatever the tenant', async () => {
    const [stray] = await decideAll([call('stray__run', { tenant: 'acme' })]);
    expect(stray).toMatchObject({ allow: false, reason: 'tool "stray__run" is not available to tenant "acme"' });
  });

  it('requires one of a server’s roles of the principal', async () => {
    const [none, other, finance, admin] = await decideAll([
      call('ledger__post', { tenant: 'acme', roles: [] }),
      call('ledger__post', { tenant: 'acme', roles: ['dev', 'read_only'] }),
      call('ledger__post', { tenant: 'globex', roles: ['finance'] }),
      call('ledger__post', { tenant: 'acme', roles: ['dev', 'admin'] }),
    ]);
    const needs = 'tool "ledger__post" is provided by server "ledger", which requires one of the roles: finance, admin';
    expect(none).toMatchObject({ allow: false, reason: needs });
    expect(other).toMatchObject({ allow: false, reason: needs });
    expect(finance).toMatchObject({ allow: true });
    expect(admin).toMatchObject({ allow: true });
    expect(JSON.parse(other!.input)).toMatchObject({ principal: { user: 'ada', agent: 'claude', roles: ['dev', 'read_only'] } });
  });

  it('replay: every recorded input gives the recorded decision through the default bundle', async () => {
    const engine = await loadPolicyEngine({ bundle: null, enabled: true });
    expect(decided.length).toBeGreaterThanOrEqual(12);
    for (const { body } of decided) {
      const input = parseRecordedInput(body.input);
      expect(input.hash).toBe(body.inputHash);
      expect(decide(engine, input)).toEqual({ allow: body.allow, reason: body.reason });
    }
  });

  it('replay: an input recorded before servers had tenants and roles is decided as it was', async () => {
    const engine = await loadPolicyEngine({ bundle: null, enabled: true });
    const before = JSON.stringify({
      kind: 'request',
      method: 'tools/call',
      tool: 'books__read',
      resolved: { server: 'books', tool: 'read', status: 'up' },
      tenant: 'default',
      principal: { user: null, agent: null, roles: [] },
      session: 's',
      time: 1,
    });
    expect(decide(engine, parseRecordedInput(before))).toEqual({ allow: true, reason: 'tool "books__read" is provided by server "books"' });
  });
});
