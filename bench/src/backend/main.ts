#!/usr/bin/env node
/**
 * The neutral backend process:
 *   node bench/dist/backend/main.js [--impl raw|sdk] [--port N] [--delay-ms N] [--response-bytes N]
 *   node bench/dist/backend/main.js --stdio [--delay-ms N] [--response-bytes N]
 * Over HTTP it prints one JSON line `{"port":N}` once it listens.
 */
import { parseArgs } from 'node:util';
import { startHttpBackend, type BackendImpl } from './http-server.js';
import { parseKnobs } from './knobs.js';
import { BackendState } from './stats.js';
import { startStdioBackend } from './stdio-backend.js';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'raw' },
    port: { type: 'string', default: '0' },
    stdio: { type: 'boolean', default: false },
    'delay-ms': { type: 'string', default: '0' },
    'response-bytes': { type: 'string', default: '0' },
  },
});
if (values.impl !== 'raw' && values.impl !== 'sdk') throw new Error(`--impl must be raw or sdk, not ${values.impl}`);
const state = new BackendState(parseKnobs({ delayMs: Number(values['delay-ms']), responseBytes: Number(values['response-bytes']) }));

if (values.stdio) {
  await startStdioBackend(state);
} else {
  const { server, port } = await startHttpBackend(state, values.impl as BackendImpl, Number(values.port));
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
