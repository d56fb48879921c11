import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { type ConfigError } from '../../src/errors.js';
import { messageJson } from '../../src/events/message-json.js';
import { REDACTION_KEY_FILE_NAME, Redactor, compileRuleSet, createRedactor } from '../../src/redaction/index.js';

// Fake credentials of the documented shapes; none of them is real.
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BEARER = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtZmFrZS10b2tlbg';
const SK = 'sk-proj-abcdefghijklmnopqrstuvwx0123';
const GH = `ghp_${'a1B2'.repeat(9)}`;
const SLACK = 'xoxb-1234567890-abcdefghij';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7fake\n-----END RSA PRIVATE KEY-----';

const dir = mkdtempSync(join(tmpdir(), 'sluice-redaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function redactorOf(redaction: Record<string, unknown> = {}, key = 'unit-test-redaction-key'): Redactor {
  const config = parseConfig(JSON.stringify({ redaction: { hashKey: key, ...redaction } }), join(dir, 'sluice.yaml'));
  return new Redactor(compileRuleSet(config.redaction), Buffer.from(key));
}

const call = (args: Record<string, unknown>, name = 'vault__login'): Buffer =>
  Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } }));

const textOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('Redactor', () => {
  const redactor = redactorOf();

  it('replaces every built-in kind of secret in tool arguments by a keyed marker, leaving the rest readable', () => {
    const bytes = call({
      command: `aws configure set aws_access_key_id ${AWS_ID} && export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
      header: `Authorization: Bearer ${BEARER}`,
      keys: [SK, GH, SLACK],
      pem: PEM,
      password: 'hunter2',
      nested: { client_secret: 'abc', progressToken: 'keep-me' },
    });
    const out = redactor.redact(bytes)!;
    const text = textOf(out.bytes);
    for (const secret of [AWS_ID, AWS_SECRET, BEARER, SK, GH, SLACK, 'MIIEowIBAAKCAQEA7fake', 'hunter2', '"abc"']) expect(text).not.toContain(secret);
    expect(out.redaction).toEqual({ revision: redactor.revision, count: 9 });
    const args = (messageJson(out.bytes) as { params: { arguments: Record<string, unknown> } }).params.arguments;
    expect(args.command).toMatch(/^aws configure set aws_access_key_id \[redacted:aws-access-key-id:[0-9a-f]{16}\] && export AWS_SECRET_ACCESS_KEY=\[redacted:aws-secret-access-key:[0-9a-f]{16}\]$/);
    expect(args.header).toMatch(/^Authorization: Bearer \[redacted:(bearer|jwt):[0-9a-f]{16}\]$/);
    expect(args.keys).toEqual([expect.stringMatching(/^\[redacted:api-key:/), expect.stringMatching(/^\[redacted:github-token:/), expect.stringMatching(/^\[redacted:slack-token:/)]);
    expect(args.pem).toMatch(/^\[redacted:private-key:[0-9a-f]{16}\]$/);
    expect(args.password).toMatch(/^\[redacted:json-key:[0-9a-f]{16}\]$/);
    expect(args.nested).toEqual({ client_secret: expect.stringMatching(/^\[redacted:json-key:/), progressToken: 'keep-me' });
  });

  it('keeps the JSON-RPC id, method and tool name as they were', () => {
    const bytes = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: AWS_ID, method: 'tools/call', params: { name: 'x', arguments: { k: AWS_ID } } }));
    const message = JSON.parse(textOf(redactor.redact(bytes)!.bytes)) as { id: string; params: { name: string; arguments: { k: string } } };
    expect(message.id).toBe(AWS_ID);
    expect(message.params.name).toBe('x');
    expect(message.params.arguments.k).not.toContain(AWS_ID);
  });

  it('returns null (the bytes stay as sent) for a message without secrets, even one naming MCP progress tokens', () => {
    expect(redactor.redact(call({ query: 'weather in Paris', limit: 3 }))).toBeNull();
    const progress = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","_meta":{"progressToken":"t-1"}}}');
    expect(redactor.redact(progress)).toBeNull();
  });

  it('finds a secret spelled with JSON escapes', () => {
    const escaped = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"k":"\\u0041KIAIOSFODNN7EXAMPLE"}}}');
    expect(textOf(redactor.redact(escaped)!.bytes)).toMatch(/"k":"\[redacted:aws-access-key-id:[0-9a-f]{16}\]"/);
  });

  it('gives equal secrets equal markers under one key, and different markers under another key', () => {
    const a = textOf(redactor.redact(call({ one: AWS_ID, two: `id=${AWS_ID}` }))!.bytes);
    const [first, second] = a.match(/\[redacted:aws-access-key-id:[0-9a-f]{16}\]/g)!;
    expect(first).toBe(second);
    const other = redactorOf({}, 'another-redaction-key-0000');
    const b = textOf(other.redact(call({ one: AWS_ID }))!.bytes);
    expect(b).toMatch(/\[redacted:aws-access-key-id:[0-9a-f]{16}\]/);
    expect(b).not.toContain(first);
    expect(redactor.marker('x', AWS_ID)).not.toBe(redactor.marker('x', AWS_SECRET));
  });

  it('redacts a per-tool JSON path that no pattern would match, only for that tool', () => {
    const withPath = redactorOf({ tools: { vault__login: ['$.arguments.pin', '$.structuredContent.session'] } });
    const out = withPath.redact(call({ pin: '4711', user: 'bob' }))!;
    expect(JSON.parse(textOf(out.bytes)).params.arguments).toEqual({ pin: expect.stringMatching(/^\[redacted:path:[0-9a-f]{16}\]$/), user: 'bob' });
    expect(out.redaction.count).toBe(1);
    expect(withPath.redact(call({ pin: '4711' }, 'other__tool'))).toBeNull();
    const result = Buffer.from('{"jsonrpc":"2.0","id":7,"result":{"content":[],"structuredContent":{"session":"s-981","user":"bob"}}}');
    expect(withPath.redact(result)).toBeNull();
    expect(JSON.parse(textOf(withPath.redact(result, 'vault__login')!.bytes)).result.structuredContent).toEqual({
      session: expect.stringMatching(/^\[redacted:path:/),
      user: 'bob',
    });
  });

  it('applies extra rules, and only the built-ins listed', () => {
    const custom = redactorOf({ builtins: ['jwt'], rules: [{ name: 'employee-id', pattern: 'EMP-(?<secret>[0-9]{6})' }] });
    const text = textOf(custom.redact(call({ who: 'EMP-123456', key: AWS_ID }))!.bytes);
    expect(text).toMatch(/"who":"EMP-\[redacted:employee-id:[0-9a-f]{16}\]"/);
    expect(text).toContain(AWS_ID);
    expect(custom.revision).not.toBe(redactor.revision);
  });

  it('does not redact a marker again', () => {
    const once = redactor.redact(call({ token: 'abc' }))!;
    expect(redactor.redact(once.bytes)).toBeNull();
  });
});

describe('redaction configuration', () => {
  const failure = (redaction: unknown): ConfigError => {
    try {
      parseConfig(JSON.stringify({ redaction }), '/etc/sluice/sluice.yaml', { KEY: 'from-the-environment-0123' });
    } catch (err) {
      return err as ConfigError;
    }
    throw new Error('expected a configuration error');
  };

  it('is on by default with every built-in rule', () => {
    const config = parseConfig('{}', '/etc/sluice/sluice.yaml');
    expect(config.redaction).toMatchObject({ enabled: true, hashKey: null, rules: [], tools: {} });
    expect(config.redaction.builtins).toContain('aws-access-key-id');
  });

  it('resolves ${env:} in hashKey', () => {
    const config = parseConfig('redaction: { hashKey: "${env:KEY}" }', '/etc/sluice/sluice.yaml', { KEY: 'from-the-environment-0123' });
    expect(config.redaction.hashKey).toBe('from-the-environment-0123');
  });

  it.each([
    [{ rules: [{ name: 'bad', pattern: '(' }] }, 'redaction.rules.0.pattern', /not a valid regular expression/],
    [{ rules: [{ name: 'empty', pattern: 'x*' }] }, 'redaction.rules.0.pattern', /matches the empty string/],
    [{ tools: { t: ['$.a[?'] } }, 'redaction.tools.t.0', /not a JSONPath/],
    [{ builtins: ['nope'] }, 'redaction.builtins.0', /must be one of/],
    [{ hashKey: 'short' }, 'redaction.hashKey', /at least 16/],
  ])('refuses %j naming the key', (redaction, key, reason) => {
    const err = failure(redaction);
    expect(err.key).toBe(key);
    expect(err.reason).toMatch(reason);
  });
});

describe('createRedactor', () => {
  it('makes a private key file under dataDir once, and keeps using it', async () => {
    const config = parseConfig(JSON.stringify({ dataDir: join(dir, 'data') }), join(dir, 'sluice.yaml'));
    const first = await createRedactor(config);
    const again = await createRedactor(config);
    expect(statSync(join(dir, 'data', REDACTION_KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(first!.marker('x', AWS_ID)).toBe(again!.marker('x', AWS_ID));
  });

  it('refuses a key file other users can read', async () => {
    const data = join(dir, 'open');
    const config = parseConfig(JSON.stringify({ dataDir: data }), join(dir, 'sluice.yaml'));
    await createRedactor(config);
    chmodSync(join(data, REDACTION_KEY_FILE_NAME), 0o644);
    await expect(createRedactor(config)).rejects.toMatchObject({ code: 'SLUICE_REDACTION_KEY_UNUSABLE' });
  });

  it('is null when redaction is off', async () => {
    expect(await createRedactor(parseConfig('redaction: { enabled: false }', join(dir, 'sluice.yaml')))).toBeNull();
  });
});
