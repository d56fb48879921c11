import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '@sluice/core';
import type { Backend } from '../../src/backends/backend.js';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall, until } from '../support/harness.js';
import { everythingStdio, withInMemory } from '../support/servers.js';

describe('a stdio backend whose process exits', () => {
  let harness: Harness;
  let router: RunningService;
  const backends: Record<string, Backend> = {};

  beforeAll(async () => {
    harness = await Harness.create();
    router = await startRouter(harness.context({ everything: everythingStdio() }), {
      createBackend: withInMemory({}, backends),
      backoff: { initialMs: 1_500, maxMs: 1_500 },
    });
  });

  afterAll(async () => {
    await router?.stop();
  });

  it('is marked down, fails calls fast with -32010, and is reconnected', async () => {
    const backend = backends.everything!;
    const firstPid = backend.status().pid;
    expect(backend.status().state).toBe('up');
    expect(firstPid).toBeTypeOf('number');

    process.kill(firstPid!, 'SIGKILL');
    await until(() => backend.status().state === 'down', 5_000, 'the backend to be marked down');
    await until(() => harness.snapshots().at(-1)?.servers[0]?.status === 'down', 5_000, 'a snapshot with the server down');

    const started = Date.now();
    const down = await harness.call(toolCall(1, 'everything__echo', { message: 'are you there' }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(down.response.error?.code).toBe(-32010);
    expect(down.response.error?.message).toMatch(/^Backend everything is down/);
    expect(down.event.body).toMatchObject({ outcome: 'error', errorCode: -32010, server: 'everything', tool: 'echo' });

    await until(() => backend.status().state === 'up', 10_000, 'the backend to reconnect');
    expect(backend.status().pid).not.toBe(firstPid);
    await until(() => harness.snapshots().at(-1)?.servers[0]?.status === 'up', 5_000, 'a snapshot with the server up again');
    const again = await harness.call(toolCall(2, 'everything__echo', { message: 'back' }));
    expect(again.response.result?.content).toEqual([{ type: 'text', text: 'Echo: back' }]);
  });
});
