import { JsonRpcWireError } from '../errors.js';
import { callerOf } from '../registry/registry.js';
import { initializeResult } from './initialize.js';
import { failed, succeeded, type MethodResult } from './method-result.js';
import { callTool, type ToolCallContext } from './tools-call.js';

/** What answering a request needs: the tool-call context plus the method. */
export interface RequestContext extends ToolCallContext {
  method: string;
}

/**
 * Answers one allowed client request. `initialize`, `ping` and the list methods are answered by the gateway
 * itself (`tools/list` shows only the servers open to the request's tenant and environment); `tools/call` goes to a backend;
 * any other method gets -32601.
 */
export async function answerRequest(ctx: RequestContext): Promise<MethodResult> {
  switch (ctx.method) {
    case 'initialize':
      return succeeded(initializeResult(ctx.params));
    case 'ping':
      return succeeded({});
    case 'tools/list':
      return succeeded({ tools: ctx.registry.listTools(callerOf(ctx.decision)) });
    case 'resources/list':
      return succeeded({ resources: [] });
    case 'resources/templates/list':
      return succeeded({ resourceTemplates: [] });
    case 'prompts/list':
      return succeeded({ prompts: [] });
    case 'tools/call':
      return callTool(ctx);
    default:
      return failed(new JsonRpcWireError(-32601, `Method not found: ${ctx.method}`), 'error');
  }
}
