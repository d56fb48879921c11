export { startIngress, type IngressOptions, type RunningIngress } from './ingress.js';
export { INGRESS_ERRORS, IngressError, WireError, type IngressErrorCode, type WireErrorCode, type WireMapping } from './errors.js';
export { CLIENT_NOTIFICATION_METHODS, CLIENT_REQUEST_METHODS } from './jsonrpc/methods.js';
export { LEGACY_PROTOCOL_VERSIONS, MCP_PATH } from './streamable-http/protocol.js';
export { loadUws, UWS_CANDIDATES, type LoadedUws, type UwsCandidate } from './uws/load-uws.js';
export type { AuthMethod, VerifiedPrincipal } from './auth/principal.js';
export { PRM_PREFIX, type ProtectedResourceMetadata } from './auth/protected-resource.js';
