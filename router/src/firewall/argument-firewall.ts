import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { JsonRpcWireError, ROUTER_ERRORS, type RouterErrorCode } from '../errors.js';
import { checkLimits, cut, type ArgumentLimits } from './limits.js';
import { describeErrors, type SchemaValidators } from './schema-validators.js';

/** The argument rules of one server (`servers.<name>.arguments`). */
export interface ServerArgumentRules extends ArgumentLimits {
  /** Validate arguments against the tool's inputSchema. */
  validate: boolean;
  /** Limits of single tools (by the server's own tool name), over the server's. */
  tools: Readonly<Record<string, Partial<ArgumentLimits>>>;
}

/** Violations reported to the client. */
const MAX_REPORTED = 3;

/**
 * Checks the arguments of a tool call before it is dispatched: size and depth against the server's (or the
 * tool's) limits, then the tool's inputSchema. A refusal is a -32602 wire error naming the limit or the violations
 * with their JSON Pointers.
 */
export class ArgumentFirewall {
  constructor(
    private readonly rules: Readonly<Record<string, ServerArgumentRules>>,
    private readonly validators: SchemaValidators,
  ) {}

  /** The error that refuses the call, or null when its arguments may go to the backend. */
  check(server: string, tool: Tool, args: Record<string, unknown>): JsonRpcWireError | null {
    const rules = this.rules[server];
    if (!rules) return null;
    const own = Object.hasOwn(rules.tools, tool.name) ? rules.tools[tool.name] : undefined;
    const limits = { maxBytes: own?.maxBytes ?? rules.maxBytes, maxDepth: own?.maxDepth ?? rules.maxDepth };
    const settingOf = (limit: keyof ArgumentLimits): string =>
      own?.[limit] !== undefined ? `servers.${server}.arguments.tools.${tool.name}.${limit}` : `servers.${server}.arguments.${limit}`;
    const over = checkLimits(args, limits, settingOf);
    if (over) return refusal('SLUICE_ROUTER_ARGUMENTS_TOO_LARGE', over.message, { limit: over.limit, max: limits[over.limit] });
    if (!rules.validate) return null;
    const { validate } = this.validators.compiled(server, tool.name, tool.inputSchema);
    if (!validate || validate(args)) return null;
    const errors = describeErrors(validate.errors, MAX_REPORTED).map((e) => ({ path: cut(e.path, 200), message: cut(e.message, 200) }));
    const text = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return refusal('SLUICE_ROUTER_ARGUMENTS_INVALID', cut(`Invalid params: arguments of ${tool.name} do not match its inputSchema: ${text}`, 1000), { errors });
  }
}

function refusal(code: RouterErrorCode, message: string, data: Record<string, unknown>): JsonRpcWireError {
  return new JsonRpcWireError(ROUTER_ERRORS[code].jsonRpcCode, message, { code, ...data });
}
