import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectImports, layeringViolations } from '../src/layering.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('layering', () => {
  it('services never import each other, and owned libraries stay with their owner', () => {
    const edges = collectImports(root);
    expect(edges.length).toBeGreaterThan(50);
    expect(edges.some((e) => e.specifier === 'kafkajs')).toBe(true);
    expect(layeringViolations(edges)).toEqual([]);
  });

  it('catches a service importing another service and a library outside its owner', () => {
    const problems = layeringViolations([
      { file: 'router/src/x.ts', specifier: '@sluice/ingress' },
      { file: 'router/src/y.ts', specifier: 'kafkajs' },
      { file: 'core/src/z.ts', specifier: '@clickhouse/client' },
      { file: 'policy-worker/src/w.ts', specifier: '@trufflesuite/uws-js-unofficial' },
      { file: 'ingress/src/v.ts', specifier: '../../router/src/router.js' },
      { file: 'core/src/bus/kafka/kafka-bus.ts', specifier: 'kafkajs' },
      { file: 'cli/src/start.ts', specifier: '@sluice/router' },
      { file: 'cli/src/admin/verify.ts', specifier: 'jose' },
      { file: 'cli/test/admin/oidc.ts', specifier: 'jose' },
    ]);
    expect(problems).toEqual([
      'router/src/x.ts: router must not import @sluice/ingress',
      'router/src/y.ts: kafkajs belongs to core/src/bus/kafka/ only',
      'core/src/z.ts: @clickhouse/client belongs to audit-sink/ only',
      'policy-worker/src/w.ts: @trufflesuite/uws-js-unofficial belongs to ingress/src/uws/ only',
      'ingress/src/v.ts: reaches into router by a relative path',
      'cli/src/admin/verify.ts: jose belongs to core/src/auth/ only',
    ]);
  });
});
