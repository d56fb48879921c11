import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/report/bench-report.js';
import { brokerAnswers } from '../src/targets/kafka-broker.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const KAFKA_PORT = Number(process.env.KAFKA_PORT ?? 9092);

describe('npm run bench:smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-bench-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario once: calls answered, no errors, a report with machine info and floors', async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: build first (npm run build)`).toBe(true);
    const kafka = await brokerAnswers(KAFKA_PORT);
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, '--smoke', '--out', out], { timeout: 170_000, maxBuffer: 16 * 1024 * 1024 });
    const files = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { json: string; markdown: string };
    const report = JSON.parse(readFileSync(files.json, 'utf8')) as BenchReport;

    const expected = ['S0', 'F0', 'S1', 'S2', 'S3', ...(kafka ? ['S4'] : [])];
    expect(report.plan.cases.map((c) => c.load).sort()).toEqual(['churn', 'closed', 'open']);
    for (const target of expected) {
      for (const spec of report.plan.cases) {
        const row = report.summary.find((s) => s.target === target && s.case === spec.id);
        expect(row, `${target} ${spec.id}`).toBeDefined();
        expect(row!.failures, `${target} ${spec.id}`).toEqual([]);
        expect(row!.errors, `${target} ${spec.id}: ${row!.errorSamples.join('; ')}`).toBe(0);
        expect(row!.achievedRate, `${target} ${spec.id}`).toBeGreaterThan(0);
        expect(row!.backendCalls, `${target} ${spec.id}: calls reach the backend`).toBeGreaterThanOrEqual(row!.ok);
      }
    }
    if (!kafka) expect(report.unavailable.find((u) => u.id === 'S4')?.reason).toMatch(/no Kafka broker/);
    expect(report.summary.find((s) => s.target === 'S3')?.cpuUsPerOp.target).toBeGreaterThan(0);

    const soak = report.soak.find((s) => s.target === 'S3');
    expect(soak?.error).toBeNull();
    expect(soak?.load?.ok).toBeGreaterThan(0);
    expect(soak?.samples.length).toBeGreaterThanOrEqual(2);
    expect(soak?.samples.at(-1)?.stored).toBeGreaterThan(0);
    // The heap comes from the gateway's /metrics: a figure, and less than the RSS it is part of.
    const last = soak!.samples.at(-1)!;
    expect(last.heapBytes).toBeGreaterThan(1 << 20);
    expect(last.heapBytes).toBeLessThan(Object.values(last.rssBytes).reduce((a, b) => a + b, 0));

    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.floors.map((f) => f.name)).toContain('S3 added latency p50 vs S0');
    const markdown = readFileSync(files.markdown, 'utf8');
    // The targets table has the bare forwarder's column (its cases are not the smoke's, so it reads '—' here).
    expect(markdown).toContain('| floor here (same case) |');
    for (const target of expected) expect(markdown).toContain(`| ${target} |`);
  }, 180_000);
});
