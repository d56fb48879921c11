/** How a caller was authenticated; a string in the schema, so the set can grow without breaking old readers. */
export type AuthMethod = 'oauth' | 'api-key' | 'none';

/**
 * Who acts: the authenticated user, the agent (MCP client) acting for them, their roles, and the credential they
 * authenticated with. The credential fields date from schema version 2 (3 for `registry.snapshot`); an event an
 * earlier version wrote reads with their defaults: no scopes, and null for the rest.
 */
export interface Principal {
  user: string | null;
  agent: string | null;
  roles: string[];
  /** Scopes the credential grants; empty when none were given or the caller is anonymous. */
  scopes: string[];
  /** Environment the credential is valid in (for example `production`), when it names one. */
  environment: string | null;
  /** How the caller was authenticated; null when not recorded (events written before authentication). */
  authMethod: AuthMethod | null;
  /** Id of the credential (the JWT `jti`, or an API key id), never the credential itself. */
  tokenId: string | null;
}

/** Fields every event carries, whatever its type. */
export interface EnvelopeFields {
  /** Unique, time-sortable id (UUIDv7). */
  id: string;
  /** Version of the event type's schema that wrote this event. */
  schemaVersion: number;
  /** Epoch milliseconds (a whole number) when the event was created. */
  time: number;
  /** Tenant the event belongs to. */
  tenant: string;
  principal: Principal;
  sessionId: string | null;
  /** Gateway-assigned id of the client request this event belongs to. */
  requestId: string | null;
  /** Ingress node that holds the client's stream. */
  ingressNode: string | null;
  /** Partition of the replies topic the ingress node reads. */
  replyPartition: number | null;
  /** W3C trace context. */
  traceparent: string | null;
  tracestate: string | null;
  /** The JSON-RPC message bytes this event is about, if any; decoded events carry a Buffer. */
  message: Uint8Array | null;
}

/** Outcome of one client request, as recorded in the audit store. */
export type Outcome = 'ok' | 'error' | 'denied' | 'invalid' | 'timeout' | 'unknown';

/** Body of `session.opened`: a client opened a session. */
export interface SessionOpenedBody {
  /** MCP protocol revision the session speaks. */
  protocolVersion: string;
  transport: string;
  clientName: string | null;
  clientVersion: string | null;
}

/** Body of `session.closed`: a session ended. */
export interface SessionClosedBody {
  reason: string;
}

/**
 * What the gateway redacted from an event's message before it was stored (since schema version 3 of
 * `client.message` and `backend.message`; null when nothing was redacted and in events of earlier versions).
 */
export interface Redaction {
  /** Revision (a hash) of the redaction rule set that ran. */
  revision: string;
  /** How many values were replaced by a redaction marker. */
  count: number;
}

/** Body of `client.message`: a JSON-RPC message a client sent. */
export interface ClientMessageBody {
  /** A string in the schema, so the set can grow without breaking old readers. */
  kind: 'request' | 'notification' | 'response';
  method: string | null;
  /** The JSON-RPC id, JSON-encoded (so 1 and "1" stay distinct); null for notifications. */
  jsonrpcId: string | null;
  /** Set when secrets in the message were replaced by markers; null otherwise. */
  redaction: Redaction | null;
}

/** Body of `policy.decision`: one decision per client message, which the event carries. */
export interface PolicyDecisionBody {
  allow: boolean;
  reason: string;
  /** Revision of the policy bundle that decided. */
  revision: string;
  /** SHA-256 (hex) of the canonical policy input. */
  inputHash: string;
  /** The policy input as canonical JSON, so the decision can be replayed. */
  input: string;
  method: string | null;
  jsonrpcId: string | null;
  server: string | null;
  tool: string | null;
  /** Time of the client message this decision answers. */
  requestTime: number;
}

/** Body of `dispatch`: written before a router calls a backend server. */
export interface DispatchBody {
  server: string;
  tool: string | null;
  method: string;
  jsonrpcId: string | null;
}

/** A message for the client: a response to its request (terminal) or a notification. */
export interface BackendMessageBody {
  terminal: boolean;
  /** A string in the schema, so the set can grow without breaking old readers. */
  outcome: Outcome | null;
  /** JSON-RPC error code. */
  errorCode: number | null;
  method: string | null;
  jsonrpcId: string | null;
  server: string | null;
  tool: string | null;
  policyRevision: string | null;
  requestTime: number | null;
  requestBytes: number | null;
  /** Whole milliseconds from the client message to this one (the schema stores a long). */
  latencyMs: number | null;
  /** Set when secrets in the message were replaced by markers; null otherwise. */
  redaction: Redaction | null;
}

/** A tool a backend server offers. */
export interface RegistryTool {
  /** Name the tool has at the backend server. */
  name: string;
  /** Name clients see through the gateway. */
  exposedName: string;
  description: string | null;
}

/** A backend server as the registry last saw it. */
export interface RegistryServer {
  name: string;
  transport: string;
  /** A string in the schema, so the set can grow without breaking old readers. */
  status: 'up' | 'down';
  tools: RegistryTool[];
  /** Tools the server offers that are not exposed (since schema version 2; empty when read from version 1). */
  withheld: WithheldTool[];
}

/** A tool the gateway does not expose, and why. */
export interface WithheldTool {
  /** Name the tool has at the backend server, cut to 256 characters. */
  name: string;
  /** Why it is not exposed; a sentence for people. */
  reason: string;
}

/** Body of `registry.snapshot`: every backend server and its tools. */
export interface RegistrySnapshotBody {
  servers: RegistryServer[];
}

/** Map of event type name to its body shape. */
export interface EventBodies {
  'session.opened': SessionOpenedBody;
  'session.closed': SessionClosedBody;
  'client.message': ClientMessageBody;
  'policy.decision': PolicyDecisionBody;
  dispatch: DispatchBody;
  'backend.message': BackendMessageBody;
  'registry.snapshot': RegistrySnapshotBody;
}

/** Name of an event type, e.g. `client.message`. */
export type EventType = keyof EventBodies;

/** Every event type, in a stable order. */
export const EVENT_TYPES = [
  'session.opened',
  'session.closed',
  'client.message',
  'policy.decision',
  'dispatch',
  'backend.message',
  'registry.snapshot',
] as const satisfies readonly EventType[];

/** One event of type T. */
export type EventOf<T extends EventType> = EnvelopeFields & { type: T; body: EventBodies[T] };

/** Any Sluice event. */
export type SluiceEvent = { [T in EventType]: EventOf<T> }[EventType];
