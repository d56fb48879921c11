import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { exposeTools } from '../../src/registry/exposed-names.js';

const tool = (name: string): Tool => ({ name, inputSchema: { type: 'object' } });

describe('exposeTools', () => {
  it('prefixes tools with their server name, or keeps the bare name for prefix: false', () => {
    const exposed = exposeTools([
      { server: 'github', prefix: true, tools: [tool('search'), tool('create_issue')] },
      { server: 'local', prefix: false, tools: [tool('read_file')] },
    ]);
    expect(exposed.list.map((t) => t.exposedName)).toEqual(['github__search', 'github__create_issue', 'read_file']);
    expect(exposed.byName.get('read_file')).toMatchObject({ server: 'local', tool: { name: 'read_file' } });
    expect(exposed.collisions).toEqual([]);
  });

  it('gives a bare name claimed by two servers to the server whose name sorts first, whatever the input order', () => {
    const servers = [
      { server: 'zeta', prefix: false, tools: [tool('search'), tool('only_zeta')] },
      { server: 'alpha', prefix: false, tools: [tool('search')] },
    ];
    for (const order of [servers, [...servers].reverse()]) {
      const exposed = exposeTools(order);
      expect(exposed.byName.get('search')?.server).toBe('alpha');
      expect(exposed.byName.get('only_zeta')?.server).toBe('zeta');
      expect(exposed.collisions).toEqual([{ exposedName: 'search', kept: 'alpha', hidden: 'zeta' }]);
    }
  });

  it('treats a bare name equal to another server’s prefixed name as a collision too', () => {
    const exposed = exposeTools([
      { server: 'a', prefix: true, tools: [tool('b')] },
      { server: 'x', prefix: false, tools: [tool('a__b')] },
    ]);
    expect(exposed.list).toHaveLength(1);
    expect(exposed.collisions).toEqual([{ exposedName: 'a__b', kept: 'a', hidden: 'x' }]);
  });
});
