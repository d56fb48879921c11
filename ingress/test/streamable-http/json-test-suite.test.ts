import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { POST_HEADERS, callEcho, openSession } from '../support/http.js';

const CORPUS = fileURLToPath(new URL('../corpora/JSONTestSuite/test_parsing/', import.meta.url));
const FILES = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, bytes: readFileSync(CORPUS + name) }));

/** Files that are valid JSON but that the gateway refuses on purpose, with why. */
const REFUSED_VALID: Record<string, string> = {
  'y_object_duplicated_key.json': 'appears twice in one object',
  'y_object_duplicated_key_and_value.json': 'appears twice in one object',
  'i_structure_500_nested_arrays.json': 'nested deeper than 64 levels',
};

interface Answer {
  status: number;
  body: { jsonrpc: string; id: unknown; result?: { echoed: { arguments: unknown } }; error?: { code: number; message: string } };
}

describe('the JSONTestSuite parsing corpus posted to /mcp', () => {
  let h: Harness;
  let session: string;
  const headers = (): Record<string, string> => ({ ...POST_HEADERS, 'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-11-25' });
  const send = async (body: Uint8Array): Promise<Answer> => {
    const response = await fetch(h.url, { method: 'POST', headers: headers(), body });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    h = await startHarness({ maxBodyBytes: 512 * 1024 });
    session = await openSession(h.url);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('holds every kind of file', () => {
    const kinds = new Set(FILES.map((f) => f.name[0]));
    expect([...kinds].sort()).toEqual(['i', 'n', 'y']);
    expect(FILES.length).toBeGreaterThan(300);
  });

  it('answers each file sent as the whole body: -32700 for what is not JSON, -32600 for JSON that is no JSON-RPC message', async () => {
    for (const { name, bytes } of FILES) {
      const { status, body } = await send(bytes);
      expect(status, name).toBe(400);
      expect(body, name).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: expect.any(Number) } });
      const code = body.error!.code;
      if (name.startsWith('y_')) expect(code, name).toBe(-32600);
      else if (name.startsWith('n_')) expect(code, name).toBe(-32700);
      else expect([-32700, -32600], name).toContain(code);
    }
  });

  it('answers each file sent as the arguments of a tools/call: the tool runs with valid JSON, anything else is refused', async () => {
    let id = 1000;
    let dispatched = 0;
    for (const { name, bytes } of FILES) {
      id += 1;
      const body = Buffer.concat([Buffer.from(`{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":`), bytes, Buffer.from('}}')]);
      const answer = await send(body);
      const refusal = REFUSED_VALID[name];
      if (name.startsWith('y_') && refusal === undefined) {
        expect(answer.status, name).toBe(200);
        expect(answer.body.id, name).toBe(id);
        const sent: unknown = JSON.parse(bytes.toString('utf8'));
        expect(answer.body.result?.echoed.arguments, name).toEqual(JSON.parse(JSON.stringify(sent)));
        dispatched += 1;
      } else if (refusal !== undefined) {
        expect(answer, name).toMatchObject({ status: 400, body: { error: { code: -32600, message: expect.stringContaining(refusal) } } });
      } else if (name.startsWith('n_')) {
        expect(answer, name).toMatchObject({ status: 400, body: { id: null, error: { code: -32700 } } });
      } else if (answer.status === 200) {
        expect(answer.body.id, name).toBe(id);
        expect(answer.body.result, name).toBeDefined();
        dispatched += 1;
      } else {
        expect(answer, name).toMatchObject({ status: 400, body: { error: { code: -32700 } } });
      }
    }
    const calls = h.router.seen.filter((e) => e.body.method === 'tools/call');
    expect(calls).toHaveLength(dispatched);
  });

  it('still serves a normal tool call afterwards', async () => {
    expect(await callEcho(h.url, session, 7)).toMatchObject({ jsonrpc: '2.0', id: 7, result: { echoed: { name: 'echo', arguments: { n: 7 } } } });
  });
});
