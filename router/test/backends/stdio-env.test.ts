import { fileURLToPath } from 'node:url';
import { STDIO_BASE_ENV, type RunningService } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter } from '../../src/router.js';
import { Harness, toolCall } from '../support/harness.js';

const ENV_SERVER = fileURLToPath(new URL('../fixtures/env-server.mjs', import.meta.url));

describe("a stdio backend's environment", () => {
  let harness: Harness;
  let router: RunningService;

  beforeAll(async () => {
    process.env.SLUICE_TEST_SECRET = 'the-gateway-secret';
    process.env.SLUICE_TEST_TOOL_TOKEN = 'the-tool-token';
    harness = await Harness.create();
    router = await startRouter(
      harness.context({
        tool: {
          transport: 'stdio',
          command: process.execPath,
          args: [ENV_SERVER],
          env: { TOOL_TOKEN: '${env:SLUICE_TEST_TOOL_TOKEN}', MODE: 'test' },
          timeoutMs: 10_000,
        },
      }),
    );
  });

  afterAll(async () => {
    await router?.stop();
    delete process.env.SLUICE_TEST_SECRET;
    delete process.env.SLUICE_TEST_TOOL_TOKEN;
  });

  it("holds what env names and the base variables, and none of the gateway's secrets", async () => {
    const call = await harness.call(toolCall(1, 'tool__env'));
    const content = call.response.result?.content as Array<{ text: string }>;
    const seen = JSON.parse(content[0]!.text) as Record<string, string>;
    expect(seen.TOOL_TOKEN).toBe('the-tool-token');
    expect(seen.MODE).toBe('test');
    expect(seen.PATH).toBe(process.env.PATH);
    expect(seen).not.toHaveProperty('SLUICE_TEST_SECRET');
    expect(seen).not.toHaveProperty('SLUICE_TEST_TOOL_TOKEN');
    expect(JSON.stringify(seen)).not.toContain('the-gateway-secret');
    for (const name of Object.keys(seen)) expect([...STDIO_BASE_ENV, 'TOOL_TOKEN', 'MODE']).toContain(name);
  });
});
