import { sessionTag } from '@sluice/core';
import type { AuditRow } from './admin-client.js';
import type { Trace, TracedRequest } from './fetch-trace.js';
import { json, list, safe, text, timeOf } from './rows.js';

/**
 * The trace for people: each request's hops in time order with their offset (ms from the trace's first event), the
 * principal, the policy decision and the outcome. Session ids show as their tag (they let their holder act in the
 * session); `--json` has them whole. Strings from the audit are printed with control characters escaped.
 */
export function renderTrace(trace: Trace): string {
  const out: string[] = [];
  const all = [...trace.session_events, ...trace.requests.flatMap((r) => r.events)];
  const start = Math.min(...all.map((e) => timeOf(e)).filter(Number.isFinite), ...trace.requests.map(callStart).filter(Number.isFinite));
  const at = (ms: number): string => (Number.isFinite(ms) && Number.isFinite(start) ? `+${ms - start} ms` : '+? ms');
  const tag = trace.session_id === null ? 'none' : `${sessionTag(trace.session_id)} (tag)`;
  if (trace.kind === 'session') {
    out.push(`session ${tag}: ${trace.total_requests} request${trace.total_requests === 1 ? '' : 's'}`);
    type Item = { time: number; lines: string[] };
    const items: Item[] = [
      ...trace.session_events.map((e) => ({ time: timeOf(e), lines: [hop(e, at, '  ')] })),
      ...trace.requests.map((r) => ({ time: firstTime(r), lines: request(r, at, '  ') })),
    ];
    items.sort((a, b) => a.time - b.time);
    for (const item of items) out.push(...item.lines);
    const more = trace.total_requests - trace.requests.length;
    if (more > 0) out.push(`${more} more request${more === 1 ? '' : 's'} not shown: --limit ${trace.total_requests} shows them all`);
  } else {
    for (const r of trace.requests) out.push(...request(r, at, ''));
    out.push(`session ${tag}`);
  }
  return `${out.join('\n')}\n`;
}

function request(r: TracedRequest, at: (ms: number) => string, indent: string): string[] {
  const client = r.events.find((e) => e.type === 'client.message');
  const first = client ?? r.events[0] ?? r.call;
  const call = r.call;
  const method = text(call, 'method') ?? (client ? text(json(client, 'payload'), 'method') : null);
  const tool = toolName(r);
  const lines = [`${indent}request ${safe(r.request_id)} at ${at(firstTime(r))}: ${safe(method)}${tool ? ` ${safe(tool)}` : ''}`];
  const pad = `${indent}  `;
  if (first) lines.push(`${pad}principal: ${principal(first)}`);
  if (call) {
    lines.push(
      `${pad}outcome ${safe(call.outcome)}${call.error_code === null ? '' : ` (error ${safe(call.error_code)})`}, latency ${safe(call.latency_ms)} ms, ` +
        `server ${safe(call.server)}, tool ${safe(call.tool)}, policy revision ${safe(call.policy_revision)}`,
    );
  } else {
    lines.push(`${pad}no reply recorded${client && json(client, 'payload').kind !== 'request' ? ' (a notification has none)' : ''}`);
  }
  for (const e of r.events) lines.push(hop(e, at, pad));
  return lines;
}

function hop(e: AuditRow, at: (ms: number) => string, indent: string): string {
  const type = String(e.type);
  return `${indent}${at(timeOf(e)).padStart(10)}  ${type.padEnd(16)} ${detail(type, json(e, 'payload'), e)}`;
}

function detail(type: string, body: Record<string, unknown>, e: AuditRow): string {
  switch (type) {
    case 'session.opened':
      return `protocol ${safe(body.protocolVersion)}, transport ${safe(body.transport)}, client ${safe(body.clientName)} ${safe(body.clientVersion)}; principal: ${principal(e)}`;
    case 'session.closed':
      return `reason ${safe(body.reason)}`;
    case 'client.message': {
      const name = text(json(e, 'message').params as AuditRow, 'name');
      return `${safe(body.kind)} ${safe(body.method)}${name ? ` ${safe(name)}` : ''}${body.jsonrpcId === null ? '' : ` id ${safe(body.jsonrpcId)}`} from ${safe(e.agent)}`;
    }
    case 'policy.decision':
      return (
        `${body.allow === true ? 'allow' : 'DENY'}: ${safe(body.reason)}; server ${safe(body.server)}, tool ${safe(body.tool)}, ` +
        `bundle revision ${safe(body.revision)}, input sha256 ${safe(body.inputHash)}`
      );
    case 'dispatch':
      return `to server ${safe(body.server)}: ${safe(body.method)}${body.tool ? ` ${safe(body.tool)}` : ''}`;
    case 'backend.message': {
      if (body.terminal !== true) return `message ${safe(json(e, 'message').method ?? body.method)} from ${safe(body.server)}`;
      const error = json(e, 'message').error as AuditRow | undefined;
      const why = error && typeof error === 'object' ? `: ${safe(error.code)} ${safe(error.message)}` : '';
      return `reply ${safe(body.outcome)}${why}, latency ${safe(body.latencyMs)} ms`;
    }
    default:
      return '';
  }
}

function principal(row: AuditRow): string {
  const roles = list(row, 'roles');
  const token = text(row, 'token_id');
  return (
    `tenant ${safe(row.tenant)}, user ${safe(row.principal_user)}, agent ${safe(row.agent)}, ` +
    `roles ${roles.length ? safe(roles.join(',')) : '-'}, auth ${safe(row.auth_method)}${token ? ` (token id ${safe(token)})` : ''}`
  );
}

function toolName(r: TracedRequest): string | null {
  const decision = r.events.find((e) => e.type === 'policy.decision');
  const tool = decision ? json(decision, 'payload').tool : null;
  if (typeof tool === 'string') return tool;
  const client = r.events.find((e) => e.type === 'client.message');
  return client ? text(json(client, 'message').params as AuditRow, 'name') : null;
}

function firstTime(r: TracedRequest): number {
  return r.events.length ? timeOf(r.events[0]!) : callStart(r);
}

function callStart(r: TracedRequest): number {
  return r.call ? timeOf(r.call, 'started_at') : Number.NaN;
}
