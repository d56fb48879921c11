import { createServer } from 'node:http';
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

describe('an admin port another process holds', () => {
  const tmp = scratch('admin-port');
  afterAll(() => tmp.dispose());

  it('stops the process with a message naming admin.port, and a ready check does not take the holder for it', async () => {
    const port = await freePort();
    // The holder answers /readyz like a gateway running other roles.
    const holder = createServer((_req, res) => res.end(JSON.stringify({ ready: true, roles: { ingress: true } })));
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const file = writeConfig(tmp.dir, 'sluice.yaml', `listen: { host: 127.0.0.1, port: 0 }\nadmin: { host: 127.0.0.1, port: ${port} }\nbus: { kind: memory }\naudit: { kind: off }\n`);
      const gateway = new GatewayProcess(file, [], port);
      await expect(gateway.ready(30_000)).rejects.toThrow(/gateway exited with 1/);
      expect(gateway.log).toContain(`admin.port: cannot listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
