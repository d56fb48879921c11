import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayProcess, freePort, scratch, writeConfig } from '../src/harness.js';

describe('a bad configuration', () => {
  const tmp = scratch('config');
  afterAll(() => tmp.dispose());

  it.each([
    ['bus: { kind: kafka, brokers: [] }', 'bus.brokers', 'must NOT have fewer than 1 items'],
    ['servers: { x: { transport: stdio } }', 'servers.x.command', 'is required'],
    ['listen: { port: 80000 }', 'listen.port', 'must be <= 65535'],
    ['admin: { host: 0.0.0.0, auth: none }', 'admin.auth', 'none is allowed only when admin.host is a loopback address (it is 0.0.0.0); use a token'],
    ['admin: { tokenEnv: SLUICE_TEST_UNSET_ADMIN_TOKEN }', 'admin.tokenEnv', 'the environment variable SLUICE_TEST_UNSET_ADMIN_TOKEN is not set'],
  ])('%j stops the process with exit code 2 and a message naming file, key and reason', async (yaml, key, reason) => {
    const file = writeConfig(tmp.dir, `bad-${key}.yaml`, yaml);
    const gateway = new GatewayProcess(file, [], await freePort());
    const code = await gateway.exited;
    expect(code).toBe(2);
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

describe('admin credentials at start', () => {
  const tmp = scratch('admin-auth');
  afterAll(() => tmp.dispose());

  it('refuses a token file other users can read, with the fix in the message', async () => {
    const dir = join(tmp.dir, 'shared');
    mkdirSync(join(dir, '.sluice'), { recursive: true });
    writeFileSync(join(dir, '.sluice', 'admin-token'), 'a-token-others-can-read\n', { mode: 0o644 });
    const port = await freePort();
    const file = writeConfig(dir, 'sluice.yaml', `listen: { port: 0 }\nadmin: { port: ${port} }\naudit: { kind: off }\n`);
    const gateway = new GatewayProcess(file, [], port);
    expect(await gateway.exited).toBe(1);
    expect(gateway.log).toContain(`admin.tokenFile: ${join(dir, '.sluice', 'admin-token')} has mode 0644`);
    expect(gateway.log).toContain('chmod 600');
  });

  it('serves the admin port without credentials with admin.auth: none on loopback, and warns', async () => {
    const port = await freePort();
    const file = writeConfig(tmp.dir, 'open.yaml', `listen: { port: 0 }\nadmin: { host: 127.0.0.1, port: ${port}, auth: none }\naudit: { kind: off }\nlog: { level: warn }\n`);
    const gateway = await new GatewayProcess(file, [], port).ready();
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect(gateway.log).toContain('admin.auth is none');
    } finally {
      await gateway.stop();
    }
  });
});
