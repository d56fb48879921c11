import type { CaseSummary } from './aggregate.js';
import type { BenchReport } from './bench-report.js';
import type { FloorCheck } from './floors.js';
import { ms, rate, signedMs, table } from './format.js';

/** Above this share of its core the generator may be what limits the rate: the row is flagged. */
const GENERATOR_BOUND = 0.85;

/** Microseconds, or ? when the reading could not be made (null or NaN). */
const us = (value: number | null): string => (value === null || !Number.isFinite(value) ? '?' : value.toFixed(0));

/** The markdown rendering of a report. */
export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const parts: string[] = [
    `# ${r.title}`,
    `${r.mode === 'smoke' ? '**Smoke run** (tiny load: checks the harness, not the gateway). ' : ''}Started ${r.startedAt}, took ${(r.durationS / 60).toFixed(1)} min. Command: \`${r.command}\``,
    '## Machine and versions',
    table(
      ['', ''],
      [
        ['machine', `${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryGiB} GiB (${m.freeMemoryGiB} free at start), ${m.os}`],
        ['load average at start', m.loadAverage],
        ['pinning', m.pinning],
        ['node', m.node],
        ['commit', `${m.gitCommit ?? '?'}${m.gitDirty ? ' (working tree had uncommitted changes)' : ''}`],
        ...Object.entries(m.versions).map(([k, v]) => [k, v]),
        ...Object.entries(r.settings).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ],
    ),
    '## Performance targets',
    r.floors.length
      ? [
          table(
            ['target', 'limit', 'measured', 'result', 'floor here (same case)', 'from'],
            r.floors.map((f) => [f.name, f.limit, f.measured, floorResult(f), f.floorHere, f.note]),
          ),
          'Floor here: what the bare forwarder F0 (HTTP in, HTTP out, nothing parsed) gives for the same reading in the same case and run, the floor of any Node.js gateway on this machine; for the p99 also S0-control, the direct call measured twice, which is the noise band. "below the floor" marks a limit that F0 itself misses here.',
        ].join('\n\n')
      : 'Not evaluated in this run.',
    '## Method',
    [...r.method, ...r.plan.description].map((line) => `- ${line}`).join('\n'),
    '## Systems under test',
    table(
      ['id', 'what', 'settings'],
      r.plan.targets.map((t) => [t.id, t.title, Object.entries(r.targets[t.id] ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ') || (r.unavailable.some((u) => u.id === t.id) ? 'not run' : '')]),
    ),
  ];
  if (r.unavailable.length) {
    parts.push('### Not run here', table(['target', 'reason'], r.unavailable.map((u) => [u.id, u.reason])));
  }
  parts.push('## Results by case', caseLegend());
  for (const spec of r.plan.cases) {
    const rows = r.summary.filter((s) => s.case === spec.id);
    if (!rows.length) continue;
    const what = spec.load === 'open' ? `open loop at ${spec.rate} calls/s over ${spec.sessions} session(s)` : spec.load === 'closed' ? `closed loop, ${spec.sessions} session(s)` : `session churn, ${spec.sessions} worker(s)`;
    parts.push(`### \`${spec.id}\` — ${what}, ${spec.payloadBytes} B echo, backend delay ${spec.delayMs} ms`, caseTable(rows));
  }
  const byRole = r.summary.filter((s) => Object.keys(s.cpuUsPerOp).some((g) => g.startsWith('role:')) && s.ok > 0);
  if (byRole.length) {
    const roles = [...new Set(byRole.flatMap((s) => Object.keys(s.cpuUsPerOp).filter((g) => g.startsWith('role:'))))];
    parts.push(
      '### CPU per call by process (multi-process targets)',
      table(['target', 'case', ...roles.map((g) => `${g.slice(5)} µs`), 'broker µs'], byRole.map((s) => [s.target, s.case, ...roles.map((g) => us(s.cpuUsPerOp[g] ?? 0)), s.cpuUsPerOp.broker === undefined ? '—' : us(s.cpuUsPerOp.broker)])),
    );
  }
  const failures = r.summary.filter((s) => s.failures.length || s.errors);
  if (failures.length) {
    const oneLine = (text: string): string => text.split('\n')[0] ?? '';
    parts.push('## Errors and failures', failures.map((s) => `- ${s.target} \`${s.case}\`: ${[...s.failures, ...s.errorSamples].map(oneLine).join('; ')}`).join('\n'));
  }
  if (r.soak.length) parts.push(...soakSection(r));
  if (r.notes.length) parts.push('## Notes', r.notes.map((n) => `- ${n}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

function floorResult(f: FloorCheck): string {
  if (f.status === 'pass') return 'pass';
  if (f.status === 'n/a') return 'n/a';
  return f.belowFloor ? '**miss** (below the floor)' : '**miss**';
}

function caseLegend(): string {
  return [
    'Latency in ms (pooled histogram of all rounds; open loop: from the scheduled send time). "added" is the difference to S0 in the same case and run; the S0-control row is the noise band.',
    '"× S0" is achieved rate over S0 (closed loop and churn). CPU is µs per successful call (churn: per session cycle) from /proc utime+stime of each process tree: gateway (every process of the target, children included), backend, broker, and the load generator itself ("gen %" is its share of its one core).',
    '"SUT busy %" is how busy the CPUs under test were over the window (everything pinned there, the kernel\'s work included) and "steal %" the share of their time the hypervisor gave to other machines while they had work, from /proc/stat (worst round): a case whose tails rise with steal measured the machine, not the target.',
    `Peak RSS is the largest VmHWM / sampled VmRSS sum of the group, MiB. ⚠: the generator used over ${GENERATOR_BOUND * 100}% of its core, so it may be what limits that row's rate.`,
  ].join(' ');
}

function caseTable(rows: readonly CaseSummary[]): string {
  const head = ['target', 'offered/s', 'achieved/s', 'per round', 'errors', 'p50', 'p90', 'p99', 'p99.9', 'added p50', 'added p99', '× S0', 'CPU gw µs', 'CPU backend µs', 'CPU broker µs', 'CPU gen µs', 'gen %', 'SUT busy %', 'steal %', 'RSS gw MiB'];
  return table(
    head,
    rows.map((s) => [
      s.target,
      s.offeredRate === null ? '—' : rate(s.offeredRate),
      rate(s.achievedRate),
      s.achievedPerRound.map(rate).join(' / ') + (s.failedRounds ? ` (${s.failedRounds} failed)` : ''),
      String(s.errors),
      ms(s.latencyUs.p50),
      ms(s.latencyUs.p90),
      ms(s.latencyUs.p99),
      ms(s.latencyUs.p999),
      s.addedUs ? signedMs(s.addedUs.p50) : '—',
      s.addedUs ? signedMs(s.addedUs.p99) : '—',
      s.throughputRatio === null ? '—' : `${s.throughputRatio.toFixed(2)}×`,
      us(s.cpuUsPerOp.target ?? 0),
      us(s.cpuUsPerOp.backend ?? 0),
      s.cpuUsPerOp.broker === undefined ? '—' : us(s.cpuUsPerOp.broker),
      us(s.cpuUsPerOp.loadgen ?? 0),
      `${(s.loadgenCoreShare * 100).toFixed(0)}%${s.loadgenCoreShare >= GENERATOR_BOUND ? ' ⚠' : ''}`,
      s.sutCpus ? `${(s.sutCpus.busy * 100).toFixed(0)}%` : '—',
      s.sutCpus ? `${(s.sutCpus.steal * 100).toFixed(1)}%` : '—',
      (s.peakRssMiB.target ?? 0).toFixed(0),
    ]),
  );
}

function soakSection(r: BenchReport): string[] {
  const out = [
    '## Soak',
    'Fixed-rate open loop (1 KB echo, 8 sessions). Every sample: VmRSS of each process, the V8 heap in use summed over the Sluice processes (from their /metrics; the rest of their RSS is native memory: the chDB engine, buffers, code), and the audit lag = events appended per the gateway\'s /metrics (sum of `sluice_events_produced_total` over every Sluice process) minus rows counted in `sluice.events` through /admin/sql of the audit-sink process.',
  ];
  for (const s of r.soak) {
    out.push(`### ${s.target}: ${s.rate} calls/s for ${s.seconds} s`);
    if (s.error) out.push(`Failed: ${s.error.slice(0, 1000)}`);
    if (s.load) {
      const l = s.load;
      out.push(
        `Achieved ${rate(l.achievedRate)}/s, ${l.errors} errors, latency p50 ${ms(l.latencyUs.p50)} / p99 ${ms(l.latencyUs.p99)} / p99.9 ${ms(l.latencyUs.p999)} / max ${ms(l.latencyUs.max)} ms. CPU µs per call: ${Object.entries(l.usage)
          .map(([group, u]) => `${group === 'target' ? 'gateway' : group.replace(/^role:/, '')} ${us(((u.cpuSeconds ?? Number.NaN) / Math.max(1, l.ok)) * 1e6)}`)
          .join(', ')}. Lag after the load stopped (up to 30 s to drain): ${s.finalLag ?? '?'}.`,
      );
    }
    const roles = [...new Set(s.samples.flatMap((x) => Object.keys(x.rssBytes)))];
    out.push(
      table(
        ['t (s)', ...roles.map((k) => `RSS ${k} MiB`), 'heap MiB', 'produced', 'stored', 'lag'],
        s.samples.map((x) => [
          x.atS.toFixed(0),
          ...roles.map((k) => ((x.rssBytes[k] ?? 0) / 2 ** 20).toFixed(0)),
          x.heapBytes === null ? '?' : (x.heapBytes / 2 ** 20).toFixed(0),
          String(x.produced ?? '?'),
          String(x.stored ?? '?'),
          String(x.lag ?? '?'),
        ]),
      ),
    );
    if (s.intervals.length) {
      out.push(
        'Latency per interval:',
        table(
          ['until t (s)', 'ok', 'errors', 'p50 ms', 'p99 ms', 'max ms'],
          s.intervals.map((iv) => [iv.atS.toFixed(0), String(iv.ok), String(iv.errors), ms(iv.latencyUs.p50), ms(iv.latencyUs.p99), ms(iv.latencyUs.max)]),
        ),
      );
    }
  }
  return out;
}
