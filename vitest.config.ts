import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string): string => fileURLToPath(new URL(`./${p}/src/index.ts`, import.meta.url));

const alias = {
  '@sluice/schemas': src('schemas'),
  '@sluice/core': src('core'),
  '@sluice/ingress': src('ingress'),
  '@sluice/policy-worker': src('policy-worker'),
  '@sluice/router': src('router'),
  '@sluice/audit-sink': src('audit-sink'),
  '@sluice/cli': src('cli'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['*/test/**/*.test.ts'],
          exclude: ['integration-tests/**', 'bench/test/smoke.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['integration-tests/test/**/*.test.ts', 'bench/test/smoke.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
