import { WireError } from '../errors.js';
import type { SessionInit } from '../sessions/session-store.js';

/**
 * Bounds on what a client gives at initialize. `clientInfo.name` becomes the principal's agent on every event of
 * the session, `clientInfo.version` and `protocolVersion` are stored in `session.opened`; the rest is stored
 * once, in the initialize message itself.
 */
export const INITIALIZE_LIMITS = {
  /** `clientInfo.name`, `clientInfo.title` and `clientInfo.version`, in characters. */
  clientStringChars: 256,
  /** `protocolVersion`, in characters (revisions are dates such as `2025-11-25`). */
  protocolVersionChars: 64,
  /** `capabilities`, in characters of its JSON text. */
  capabilitiesJsonChars: 16_384,
} as const;

/** What initialize params give a new session, or why they are refused (SLUICE_INGRESS_INVALID_PARAMS). */
export type InitializeParams = { init: Omit<SessionInit, 'owner'>; error: null } | { init: null; error: WireError };

const CLIENT_STRINGS = ['name', 'title', 'version'] as const;

/** Checks initialize params against {@link INITIALIZE_LIMITS}; a refusal names the field and its bound. */
export function readInitializeParams(params: unknown): InitializeParams {
  const fields = isObject(params) ? params : {};
  const { protocolVersion, capabilities, clientInfo } = fields;
  if (typeof protocolVersion !== 'string' || protocolVersion === '') return refuse('initialize needs a protocolVersion string');
  if (protocolVersion.length > INITIALIZE_LIMITS.protocolVersionChars) {
    return refuse(`protocolVersion is longer than ${INITIALIZE_LIMITS.protocolVersionChars} characters`);
  }
  if (capabilities !== undefined) {
    if (!isObject(capabilities)) return refuse('capabilities must be an object');
    if (JSON.stringify(capabilities).length > INITIALIZE_LIMITS.capabilitiesJsonChars) {
      return refuse(`capabilities is larger than ${INITIALIZE_LIMITS.capabilitiesJsonChars} characters of JSON`);
    }
  }
  if (clientInfo !== undefined && !isObject(clientInfo)) return refuse('clientInfo must be an object');
  const info = clientInfo ?? {};
  for (const key of CLIENT_STRINGS) {
    const value = info[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return refuse(`clientInfo.${key} must be a string`);
    if (value.length > INITIALIZE_LIMITS.clientStringChars) {
      return refuse(`clientInfo.${key} is longer than ${INITIALIZE_LIMITS.clientStringChars} characters`);
    }
  }
  const text = (key: 'name' | 'version'): string | null => (typeof info[key] === 'string' ? info[key] : null);
  return { init: { clientName: text('name'), clientVersion: text('version'), protocolVersion }, error: null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(reason: string): InitializeParams {
  return { init: null, error: new WireError('SLUICE_INGRESS_INVALID_PARAMS', `Invalid params: ${reason}`) };
}
