import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventLog, MemoryBus, createLogger, createMetrics, parseConfig, type RunningService } from '@sluice/core';
import type { EventOf, RegistryServer } from '@sluice/schemas';
import { decide } from '../src/policy/decide.js';
import { loadPolicyEngine } from '../src/policy/engine.js';
import { parseRecordedInput } from '../src/policy/input.js';
import { startPolicyWorker } from '../src/policy-worker.js';
import { PRINCIPAL, snapshotEvent, toolCall } from './support/events.js';

const CONFIG = `
log: { level: silent }
servers:
  deploy: { transport: stdio, command: deploy-server, environments: [production] }
  sandbox: { transport: stdio, command: sandbox-server, environments: [staging, development], tenants: [acme] }
  wiki: { transport: stdio, command: wiki-server }
`;

const server = (name: string, tools: string[]): RegistryServer => ({
  name,
  transport: 'stdio',
  status: 'up',
  tools: tools.map((t) => ({ name: t, exposedName: `${name}__${t}`, description: null })),
  withheld: [],
});

describe('policy worker: environments of servers', () => {
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
    await events.publish('registry', [snapshotEvent([server('deploy', ['release']), server('sandbox', ['run']), server('wiki', ['read'])])]);
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

  const as = (environment: string | null, tenant = 'acme') => ({ tenant, principal: { ...PRINCIPAL, environment } });

  it('denies a production server to a staging principal and to one without an environment, without naming the server', async () => {
    const [production, staging, none, sandbox, wiki] = await decideAll([
      toolCall('deploy__release', as('production')),
      toolCall('deploy__release', as('staging')),
      toolCall('deploy__release', as(null)),
      toolCall('sandbox__run', as('production')),
      toolCall('wiki__read', as(null)),
    ]);
    expect(production).toMatchObject({ allow: true, server: 'deploy', tool: 'release' });
    expect(staging).toMatchObject({ allow: false, reason: 'tool "deploy__release" is not available in environment "staging"' });
    expect(none).toMatchObject({ allow: false, reason: 'tool "deploy__release" is not available without an environment' });
    expect(sandbox).toMatchObject({ allow: false, reason: 'tool "sandbox__run" is not available in environment "production"' });
    for (const denied of [staging, none, sandbox]) expect(denied!.reason).not.toMatch(/deploy"|sandbox"|server/);
    expect(wiki).toMatchObject({ allow: true });
    expect(JSON.parse(staging!.input)).toMatchObject({ principal: { environment: 'staging' }, resolved: { server: 'deploy', environments: ['production'], tenants: null } });
  });

  it('checks the tenant before the environment: both must admit the caller', async () => {
    const [ownTenant, otherTenant] = await decideAll([toolCall('sandbox__run', as('staging')), toolCall('sandbox__run', as('staging', 'globex'))]);
    expect(ownTenant).toMatchObject({ allow: true });
    expect(otherTenant).toMatchObject({ allow: false, reason: 'tool "sandbox__run" is not available to tenant "globex"' });
  });

  it('replay: every recorded input gives the recorded decision through the default bundle', async () => {
    const engine = await loadPolicyEngine({ bundle: null, enabled: true });
    expect(decided.length).toBeGreaterThanOrEqual(7);
    for (const { body } of decided) {
      const input = parseRecordedInput(body.input);
      expect(input.hash).toBe(body.inputHash);
      expect(decide(engine, input)).toEqual({ allow: body.allow, reason: body.reason });
    }
  });

  it('replay: inputs recorded before servers had environments are decided as they were', async () => {
    const engine = await loadPolicyEngine({ bundle: null, enabled: true });
    const recorded = (resolved: Record<string, unknown>, principal: Record<string, unknown>): string =>
      JSON.stringify({ kind: 'request', method: 'tools/call', tool: 'deploy__release', resolved, tenant: 'acme', principal, session: 's', time: 1 });
    const withTenants = recorded(
      { server: 'deploy', tool: 'release', status: 'up', tenants: ['acme'], roles: null },
      { user: 'ada', agent: 'claude', roles: [], scopes: [], environment: 'staging', authMethod: 'oauth', tokenId: null },
    );
    const beforeCredentials = recorded({ server: 'deploy', tool: 'release', status: 'up', tenants: null, roles: ['ops'] }, { user: 'ada', agent: null, roles: ['dev'] });
    expect(decide(engine, parseRecordedInput(withTenants))).toEqual({ allow: true, reason: 'tool "deploy__release" is provided by server "deploy"' });
    expect(decide(engine, parseRecordedInput(beforeCredentials))).toEqual({
      allow: false,
      reason: 'tool "deploy__release" is provided by server "deploy", which requires one of the roles: ops',
    });
  });
});
