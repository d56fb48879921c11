import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { carry, newEvent, type EventLog, type Logger } from '@sluice/core';
import type { EventOf } from '@sluice/schemas';
import { JsonRpcWireError, RouterError, isRouterError } from '../errors.js';
import type { ArgumentFirewall } from '../firewall/argument-firewall.js';
import { callerOf, type ResolvedTool, type ToolRegistry } from '../registry/registry.js';
import { isObject, type JsonRpcId } from './json-rpc.js';
import { failed, invalidParams, succeeded, type MethodResult } from './method-result.js';

/** What a tool call needs. */
export interface ToolCallContext {
  registry: ToolRegistry;
  /** Checks the arguments before the call is dispatched. */
  firewall: ArgumentFirewall;
  events: EventLog;
  logger: Logger;
  decision: EventOf<'policy.decision'>;
  id: JsonRpcId;
  params: Record<string, unknown> | undefined;
  /** Aborted when the client cancels the request or the router stops. */
  signal: AbortSignal;
  /** Aborts `signal`; lent to the backend, which ends the call on timeout through it. */
  abort: (reason: unknown) => void;
}

/**
 * `tools/call`: resolves the exposed name among the servers open to the request's tenant and environment (a tool
 * of another tenant's or environment's server is unknown here even if a policy allowed it), checks the arguments
 * against the server's limits and the tool's inputSchema (a refusal is -32602, outcome `invalid`, never
 * dispatched), records a `dispatch` event (durable before the backend is called, so a router that dies mid-call
 * leaves evidence that the call may have run), then calls the backend with the server's timeout. A JSON-RPC error from the backend reaches the client unchanged.
 */
export async function callTool(ctx: ToolCallContext): Promise<MethodResult> {
  const name = ctx.params?.name;
  if (typeof name !== 'string') return invalidParams('Invalid params: tools/call needs a tool name');
  const resolved = ctx.registry.resolve(name, callerOf(ctx.decision));
  if (!resolved) return invalidParams(`Unknown tool: ${name}`, { server: null, tool: name });
  const target = { server: resolved.server, tool: resolved.tool.name };
  const args = ctx.params?.arguments;
  if (args !== undefined && !isObject(args)) return invalidParams('Invalid params: arguments must be an object', target);
  const refused = ctx.firewall.check(resolved.server, resolved.tool, args ?? {});
  if (refused) return failed(refused, 'invalid', target);
  if (resolved.backend.status().state !== 'up') {
    const why = resolved.backend.status().lastError;
    const down = new RouterError('SLUICE_ROUTER_BACKEND_DOWN', `Backend ${resolved.server} is down${why ? `: ${why}` : ''}`);
    return failed(JsonRpcWireError.fromRouterError(down), 'error', target);
  }
  if (ctx.signal.aborted) return callFailure(ctx.signal.reason, resolved, ctx.logger);

  await ctx.events.publish('dispatches', [
    newEvent(
      'dispatch',
      { server: resolved.server, tool: resolved.tool.name, method: 'tools/call', jsonrpcId: JSON.stringify(ctx.id) },
      carry(ctx.decision),
    ),
  ]);
  try {
    const subject = { tenant: ctx.decision.tenant, principal: ctx.decision.principal };
    const result = await resolved.backend.callTool(resolved.tool.name, args, { timeoutMs: resolved.timeoutMs, signal: ctx.signal, abort: ctx.abort, subject });
    return result.isError === true ? { ...succeeded(result, target), outcome: 'error' } : succeeded(result, target);
  } catch (err) {
    return callFailure(err, resolved, ctx.logger);
  }
}

function callFailure(err: unknown, resolved: ResolvedTool, logger: Logger): MethodResult {
  const target = { server: resolved.server, tool: resolved.tool.name };
  if (err instanceof McpError) {
    const message = err.message.replace(/^MCP error -?\d+: /, '');
    return failed(new JsonRpcWireError(err.code, message, err.data), 'error', target);
  }
  if (isRouterError(err)) {
    switch (err.code) {
      case 'SLUICE_ROUTER_STOPPING':
        throw err;
      case 'SLUICE_ROUTER_BACKEND_TIMEOUT':
        return failed(JsonRpcWireError.fromRouterError(err), 'timeout', target);
      case 'SLUICE_ROUTER_BACKEND_LOST':
        return failed(JsonRpcWireError.fromRouterError(err), 'unknown', target);
      default:
        return failed(JsonRpcWireError.fromRouterError(err), 'error', target);
    }
  }
  logger.error({ err, server: resolved.server, tool: resolved.tool.name }, 'tool call failed unexpectedly');
  return failed(new JsonRpcWireError(-32603, `Internal error calling ${resolved.exposedName}`), 'error', target);
}
