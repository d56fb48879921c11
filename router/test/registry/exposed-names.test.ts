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
    expect(exposed.withheld).toEqual([]);
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
      expect(exposed.withheld).toEqual([{ server: 'zeta', name: 'search', reason: 'the name search is held by server alpha' }]);
    }
  });

  it('never lets a prefix: false server capture another server’s namespaced name, whatever the names sort as', () => {
    for (const capturer of ['a', 'z']) {
      const exposed = exposeTools([
        { server: 'm', prefix: true, tools: [tool('delete_all')] },
        { server: capturer, prefix: false, tools: [tool('m__delete_all'), tool('m__other')] },
      ]);
      expect(exposed.byName.get('m__delete_all')?.server).toBe('m');
      expect(exposed.byName.has('m__other')).toBe(false);
      expect(exposed.withheld).toEqual([
        { server: capturer, name: 'm__delete_all', reason: "the name is in server m's namespace" },
        { server: capturer, name: 'm__other', reason: "the name is in server m's namespace" },
      ]);
    }
  });

  it('keeps a name with the server that held it: one that comes up later does not take it', () => {
    const first = exposeTools([{ server: 'zeta', prefix: false, tools: [tool('search')] }]);
    const later = exposeTools(
      [
        { server: 'zeta', prefix: false, tools: [tool('search')] },
        { server: 'alpha', prefix: false, tools: [tool('search')] },
      ],
      first.byName,
    );
    expect(later.byName.get('search')?.server).toBe('zeta');
    expect(later.withheld).toEqual([{ server: 'alpha', name: 'search', reason: 'the name search is held by server zeta' }]);
  });

  it.each([
    ['a control character', 'read\u0007file'],
    ['a space', 'read file'],
    ['a look-alike letter (Cyrillic а)', 're\u0430d_file'],
    ['a zero-width space', 'read\u200bfile'],
    ['an empty name', ''],
    ['308 characters', 'x'.repeat(308)],
  ])('withholds a tool whose name has %s, and exposes the rest', (_label, name) => {
    const exposed = exposeTools([{ server: 'fs', prefix: false, tools: [tool(name), tool('read_file')] }]);
    expect(exposed.list.map((t) => t.exposedName)).toEqual(['read_file']);
    expect(exposed.withheld).toEqual([
      { server: 'fs', name: name.slice(0, 256), reason: 'not a valid tool name: allowed are A-Z a-z 0-9 _ . - (1 to 128 characters)' },
    ]);
  });

  it('checks the exposed name, prefix included: 128 characters pass, 129 do not', () => {
    const exposed = exposeTools([{ server: 'fs', prefix: true, tools: [tool('t'.repeat(124)), tool('u'.repeat(125))] }]);
    expect(exposed.list.map((t) => t.exposedName)).toEqual([`fs__${'t'.repeat(124)}`]);
    expect(exposed.withheld.map((w) => w.name)).toEqual(['u'.repeat(125)]);
  });
});
