import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decideMessage } from '../../src/decisions/decide-message.js';
import { defaultBundlePath } from '../../src/policy/bundle.js';
import { loadPolicyEngine, type PolicyEngine } from '../../src/policy/engine.js';
import { RegistryView } from '../../src/registry/registry-view.js';
import { readTar } from '../../src/policy/tar.js';
import { OPEN_ACCESS, SERVERS, requestEvent, toolCall } from '../support/events.js';

describe('the default policy', () => {
  let engine: PolicyEngine;
  const registry = new RegistryView(OPEN_ACCESS);
  registry.update({ servers: SERVERS });

  beforeAll(async () => {
    engine = await loadPolicyEngine({ bundle: null, enabled: true });
  });

  it('is the committed bundle, with the revision from its manifest', () => {
    const manifest = JSON.parse(readTar(gunzipSync(readFileSync(defaultBundlePath()))).get('.manifest')!.toString()) as { revision: string };
    expect(manifest.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(engine.revision).toBe(manifest.revision);
  });

  it('allows a tool of a registered server that is up', () => {
    const { body } = decideMessage(toolCall('files__read'), registry, engine);
    expect(body).toMatchObject({ allow: true, server: 'files', tool: 'read', method: 'tools/call' });
  });

  it('denies a tool no registered server provides, naming the tool', () => {
    const { body } = decideMessage(toolCall('nope'), registry, engine);
    expect(body.allow).toBe(false);
    expect(body.reason).toBe('tool "nope" is not provided by any registered server');
    expect(body).toMatchObject({ server: null, tool: 'nope' });
  });

  it('denies a tool of a server that is down', () => {
    const { body } = decideMessage(toolCall('broken__fix'), registry, engine);
    expect(body.allow).toBe(false);
    expect(body.reason).toBe('tool "broken__fix" is provided by server "broken", which is down');
  });

  it('denies a tools/call without a tool name', () => {
    const { body } = decideMessage(requestEvent('tools/call', { arguments: {} }), registry, engine);
    expect(body).toMatchObject({ allow: false, reason: 'tools/call names no tool' });
  });

  it.each(['initialize', 'ping', 'tools/list', 'resources/list', 'prompts/list'])('allows %s', (method) => {
    const { body } = decideMessage(requestEvent(method), registry, engine);
    expect(body).toMatchObject({ allow: true, reason: 'not a tool call', method });
  });

  it('allows notifications without evaluating', () => {
    const { body } = decideMessage(requestEvent('notifications/initialized', {}, { id: null }), registry, engine);
    expect(body).toMatchObject({ allow: true, reason: 'not a request', revision: engine.revision });
  });

  it('denies every tool while no registry snapshot has arrived', () => {
    const { body } = decideMessage(toolCall('files__read'), new RegistryView(OPEN_ACCESS), engine);
    expect(body.allow).toBe(false);
  });
});
