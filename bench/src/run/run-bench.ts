import { randomBytes } from 'node:crypto';
import { planCases } from '../plan/cases.js';
import { BASELINE, planTargets } from '../plan/targets.js';
import { summarize } from '../report/aggregate.js';
import type { BenchReport } from '../report/bench-report.js';
import { checkFloors } from '../report/floors.js';
import { machineInfo } from '../report/machine.js';
import type { BenchSettings } from '../settings.js';
import { createBenchAuth } from '../targets/bench-auth.js';
import { obtainBroker, type Broker } from '../targets/kafka-broker.js';
import { sluiceKafkaTarget } from '../targets/sluice-kafka.js';
import type { SluiceTarget } from '../targets/sluice-target.js';
import { startBackend } from './backend-process.js';
import { onCleanup } from './cleanup.js';
import { runMatrix, type MatrixOutcome } from './run-matrix.js';
import { runSoak, type SoakOutcome } from './soak.js';

const METHOD = [
  'Load generator: its own process, pinned to one CPU, speaking MCP Streamable HTTP over undici keep-alive pools (one initialize + notifications/initialized per session, then tools/call of the echo tool with a prebuilt body; every answer is parsed and its text length checked). A new generator process runs each case.',
  'Open loop: calls are due on a fixed schedule and latency counts from the due time, so queueing anywhere (including a late timer or no free connection in the generator) is latency: no coordinated omission. Closed loop: each session sends its next call when the previous one is answered; achieved rate is the maximum throughput.',
  'Interleaving: each round starts every target in turn (S0, S1, …, S4, peers, S0-control), runs its cases and stops it, so only one system under test runs at a time; rounds repeat the order so drift hits every target alike. Latency is pooled over rounds; "per round" shows the achieved rate of each round.',
  'Backend: one neutral backend process for the whole run (hand-rolled JSON-RPC responder on node:http unless --backend sdk), `echo` answering the message back, its delay set through a control endpoint before each case. Payload = length of the message, echoed back (request and answer both carry it).',
  'CPU: utime+stime from /proc/<pid>/stat of each process tree (children included, reaped children through cutime/cstime), read by the generator at the window\'s start and end (10 ms tick resolution). The broker is reported apart from the gateway.',
];

/** Runs what the settings ask for (matrix, soak) and returns the report. */
export async function runBench(settings: Readonly<BenchSettings>, command: string, log: (line: string) => void): Promise<BenchReport> {
  const startedAt = new Date();
  const machine = machineInfo(settings);
  const notes: string[] = [];
  const topicPrefix = `bench-${randomBytes(4).toString('hex')}.`;
  let broker: Broker | null = null;
  const wantsKafka = settings.targets.length === 0 || settings.targets.includes('S4');
  if (wantsKafka) {
    try {
      broker = await obtainBroker(settings);
    } catch (err) {
      notes.push(`Kafka broker could not be started: ${err instanceof Error ? err.message.slice(0, 500) : String(err)}`);
    }
  }
  const forgetBroker = broker ? onCleanup(() => broker?.stop() ?? Promise.resolve()) : () => undefined;
  if (broker) notes.push(`Kafka broker ${broker.address}: ${broker.note}; topics prefixed ${topicPrefix} (left on the broker).`);
  const auth = settings.auth === 'jwt' ? await createBenchAuth() : null;
  const forgetAuth = auth ? onCleanup(() => Promise.resolve(auth.dispose())) : () => undefined;
  if (auth) notes.push('--auth jwt: every Sluice target requires a bearer JWT (ES256, keys from a JWKS file, verified once per token, then cached); the generator sends one per session. Direct, floor and peer targets get no token.');
  const targets = planTargets(settings, () => broker, topicPrefix, auth);
  const plan = planCases(settings);
  const unavailable: BenchReport['unavailable'] = [];
  const runnable = [];
  for (const t of targets) {
    const verdict = await t.target.available().catch((err: unknown) => ({ ok: false as const, reason: String(err) }));
    if (verdict.ok) runnable.push(t);
    else unavailable.push({ id: t.id, reason: verdict.reason });
  }
  for (const u of unavailable) log(`not run: ${u.id}: ${u.reason}`);
  if (!settings.peers) notes.push('Peer gateways were left out (smoke run, or --no-peers).');

  const backend = await startBackend(settings);
  let matrix: MatrixOutcome = { runs: [], described: {} };
  const soak: SoakOutcome[] = [];
  try {
    if (settings.matrix) matrix = await runMatrix(settings, runnable, plan.cases, backend, log);
    if (settings.soak) {
      const soaked = settings.mode === 'smoke' ? ['S3'] : ['S3', 'S4'];
      for (const t of runnable.filter((p) => soaked.includes(p.id))) {
        log(`soak: ${t.id} at ${settings.soakRate}/s for ${settings.soakSeconds} s`);
        // Topics of its own: records the matrix left uncommitted would otherwise reach the soak's fresh audit store.
        const target = t.id === 'S4' ? sluiceKafkaTarget('s4-soak', settings, () => broker, `${topicPrefix}soak.`, auth) : (t.target as SluiceTarget);
        soak.push(await runSoak(settings, t.id, target, backend, log));
      }
    }
  } finally {
    await backend.stop();
    forgetBroker();
    await broker?.stop();
    forgetAuth();
    auth?.dispose();
  }

  const summary = summarize(matrix.runs, plan.cases);
  if (settings.matrix && !summary.some((s) => s.target === BASELINE)) notes.push('The baseline S0 did not run: no ratios.');
  const finishedAt = new Date();
  return {
    title: `Sluice benchmark (${settings.mode})`,
    mode: settings.mode,
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationS: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    machine,
    settings: {
      rounds: settings.rounds,
      backend: settings.backendImpl,
      auth: settings.auth,
      'gateway node flags': settings.gatewayNodeArgs.join(' ') || '(none)',
      'soak rate/s': settings.soak ? settings.soakRate : 'no soak',
    },
    method: METHOD,
    plan: { description: plan.description, cases: plan.cases, targets: targets.map((t) => ({ id: t.id, title: t.title, kind: t.kind, sweeps: t.sweeps })) },
    unavailable,
    targets: { ...matrix.described, ...Object.fromEntries(soak.map((s) => [s.target, s.describe])) },
    summary,
    floors: settings.matrix ? checkFloors(summary, plan.cases) : [],
    soak,
    notes,
    runs: matrix.runs,
  };
}
