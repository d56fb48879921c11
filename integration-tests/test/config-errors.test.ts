import { afterAll, describe, expect, it } from 'vitest';
import { GatewayProcess, freePort, scratch, writeConfig } from '../src/harness.js';

describe('a bad configuration', () => {
  const tmp = scratch('config');
  afterAll(() => tmp.dispose());

  it.each([
    ['bus: { kind: kafka, brokers: [] }', 'bus.brokers', 'must NOT have fewer than 1 items'],
    ['servers: { x: { transport: stdio } }', 'servers.x.command', 'is required'],
    ['listen: { port: 80000 }', 'listen.port', 'must be <= 65535'],
  ])('%j stops the process with a message naming file, key and reason', async (yaml, key, reason) => {
    const file = writeConfig(tmp.dir, `bad-${key}.yaml`, yaml);
    const gateway = new GatewayProcess(file, [], await freePort());
    const code = await gateway.exited;
    expect(code).not.toBe(0);
    expect(gateway.log).toContain(`${file}: ${key}: ${reason}`);
  });

  it('refuses an unknown role', async () => {
    const file = writeConfig(tmp.dir, 'ok.yaml', 'listen: { port: 0 }\n');
    const gateway = new GatewayProcess(file, ['janitor'], await freePort());
    expect(await gateway.exited).not.toBe(0);
    expect(gateway.log).toContain('unknown role "janitor"');
  });
});
