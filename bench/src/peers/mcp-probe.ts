import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** What {@link probeEcho} saw. */
export interface EchoProbe {
  /** Name under which the echo tool is listed. */
  tool: string;
  /** Milliseconds of the `tools/call` round trip. */
  callMs: number;
}

/**
 * Proves that `url` serves MCP over Streamable HTTP and reaches the backend: initialize, `tools/list`, one
 * `tools/call` of the echo tool whose answer must be text and no error, then the session is ended (DELETE).
 * `tool` is the expected name; `pickTool` chooses one among the listed names when it is not known in advance.
 */
export async function probeEcho(
  url: string,
  options: { tool?: string; pickTool?: (names: string[]) => string | undefined; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<EchoProbe> {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: options.headers ?? {} } });
  const client = new Client({ name: 'sluice-bench-probe', version: '0.1.0' });
  try {
    await client.connect(transport, { timeout });
    const names = (await client.listTools(undefined, { timeout })).tools.map((t) => t.name);
    const tool = options.tool ?? options.pickTool?.(names) ?? names.find((n) => n === 'echo');
    if (tool === undefined || !names.includes(tool)) {
      throw new Error(`echo tool ${tool ?? '(none matched)'} not listed; tools: ${names.join(', ') || '(none)'}`);
    }
    const message = `probe-${Date.now()}`;
    const started = performance.now();
    const result = await client.callTool({ name: tool, arguments: { message } }, undefined, { timeout });
    const callMs = performance.now() - started;
    const content = Array.isArray(result.content) ? (result.content as Array<{ type?: unknown; text?: unknown }>) : [];
    const text = content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('');
    // The backend answers with the message, or with filler when it is told to answer with a fixed size.
    if (result.isError === true || content.length === 0 || (!text.includes(message) && !/^x+$/.test(text))) {
      throw new Error(`tools/call ${tool} answered ${JSON.stringify(result).slice(0, 200)}`);
    }
    return { tool, callMs };
  } finally {
    await transport.terminateSession().catch(() => undefined);
    await client.close().catch(() => undefined);
  }
}
