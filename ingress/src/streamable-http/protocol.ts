/** Path of the Streamable HTTP endpoint. */
export const MCP_PATH = '/mcp';

/** MCP revisions served over Streamable HTTP with sessions (the legacy, stateful era). */
export const LEGACY_PROTOCOL_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25'] as const;

/** HTTP methods the endpoint answers, for the Allow header of a 405. */
export const ALLOWED_METHODS = 'GET, POST, DELETE';

/** Transport name recorded in session.opened. */
export const TRANSPORT_NAME = 'streamable-http';
