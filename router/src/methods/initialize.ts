import { ROUTER_VERSION } from '../version.js';

/** Legacy protocol revisions the gateway negotiates with `initialize`. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25'] as const;

/** The revision offered when the client asks for one the gateway does not support. */
export const DEFAULT_PROTOCOL_VERSION = '2025-11-25';

/** The gateway's answer to `initialize`: the client's revision if supported, else the default. */
export function initializeResult(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const requested = params?.protocolVersion;
  const protocolVersion =
    typeof requested === 'string' && (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : DEFAULT_PROTOCOL_VERSION;
  return {
    protocolVersion,
    capabilities: { tools: { listChanged: true } },
    serverInfo: { name: 'sluice', version: ROUTER_VERSION },
  };
}
