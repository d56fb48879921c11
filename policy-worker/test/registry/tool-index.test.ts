import { describe, expect, it } from 'vitest';
import { RegistryView } from '../../src/registry/registry-view.js';
import { indexTools } from '../../src/registry/tool-index.js';
import { OPEN_ACCESS, SERVERS } from '../support/events.js';

describe('registry', () => {
  it('resolves exposed tool names to the server and its own tool name', () => {
    const index = indexTools({ servers: SERVERS });
    expect(index.get('files__write')).toEqual({ server: 'files', tool: 'write', status: 'up' });
    expect(index.get('broken__fix')).toEqual({ server: 'broken', tool: 'fix', status: 'down' });
    expect(index.get('write')).toBeUndefined();
  });

  it('resolves a name two servers expose to the first one that is up', () => {
    const tool = (name: string) => [{ name, exposedName: 'search', description: null }];
    const index = indexTools({
      servers: [
        { name: 'a', transport: 'stdio', status: 'down', tools: tool('find'), withheld: [] },
        { name: 'b', transport: 'stdio', status: 'up', tools: tool('lookup'), withheld: [] },
        { name: 'c', transport: 'stdio', status: 'up', tools: tool('query'), withheld: [] },
      ],
    });
    expect(index.get('search')).toEqual({ server: 'b', tool: 'lookup', status: 'up' });
  });

  it('follows the latest snapshot and lets waiters through on the first one', async () => {
    const view = new RegistryView(OPEN_ACCESS);
    const waiting = view.whenLoaded();
    expect(view.loaded).toBe(false);
    view.update({ servers: SERVERS });
    await expect(waiting).resolves.toBeUndefined();
    expect(view.resolve('files__read')).not.toBeNull();
    view.update({ servers: [] });
    expect(view.resolve('files__read')).toBeNull();
  });

  it('fails waiters with a retriable error when closed before any snapshot', async () => {
    const view = new RegistryView(OPEN_ACCESS);
    const waiting = view.whenLoaded();
    view.close();
    await expect(waiting).rejects.toMatchObject({ code: 'SLUICE_POLICY_STOPPED', retriable: true });
  });
});
