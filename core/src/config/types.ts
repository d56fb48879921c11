import type { BuiltinRuleName } from '../redaction/builtin-rules.js';

/** A host and port to listen on. */
export interface ListenConfig {
  host: string;
  port: number;
}

/** Where the admin bearer token comes from, resolved when the configuration is loaded. */
export type AdminCredentials =
  | { kind: 'none' }
  /** Read from the environment variable `name` at load; never logged. */
  | { kind: 'env'; name: string; token: string }
  /** A file holding the token; `create`: made (32 random bytes, mode 0600) on first start when absent. */
  | { kind: 'file'; path: string; create: boolean };

/** The admin listener and who may call it. */
export interface AdminConfig extends ListenConfig {
  /** `token`: every endpoint but /healthz and /readyz needs the bearer token; `none`: no credentials (loopback only). */
  auth: 'token' | 'none';
  /** Absolute path of a file holding the token, or null (default: `<dataDir>/admin-token`, made on first start). */
  tokenFile: string | null;
  /** Name of an environment variable holding the token, or null. */
  tokenEnv: string | null;
  /** `token`: /metrics needs the bearer token; `open`: it does not. */
  metrics: 'token' | 'open';
  /** Host header values accepted besides the loopback names: `name` (any port) or `name:port`. */
  allowedHosts: string[];
  /** Origins allowed to call; a request with any other Origin header gets 403. */
  allowedOrigins: string[];
  /** The token source these keys resolve to. */
  credentials: AdminCredentials;
  /** JWT access tokens the admin port accepts besides the admin token, or null (the admin token only). */
  oauth: AdminOAuthConfig | null;
}

/**
 * JWT access tokens on the admin port, verified as the ingress verifies its own: role `admin` may call everything,
 * role `auditor` only `POST /admin/sql`, reading the rows of its token's tenant.
 */
export interface AdminOAuthConfig {
  /** `iss` every token must carry. */
  issuer: string;
  /** Where the issuer publishes its JWKS. */
  jwksUri: string | null;
  /** A JWKS on disk; exactly one of `jwksUri` and `jwksFile`. */
  jwksFile: string | null;
  /** The `aud` tokens must name: the admin port's resource URL, never the ingress's. */
  audience: string;
  /** JWS algorithms accepted (asymmetric only). */
  algorithms: string[];
  /** Leeway on `exp` and `nbf`, in seconds. */
  clockToleranceS: number;
  /** Claims the roles and the tenant are read from. */
  claims: OAuthClaimsConfig;
}

export type BusConfig =
  | { kind: 'memory' }
  | {
      kind: 'kafka';
      brokers: string[];
      topicPrefix: string;
      clientId: string;
      /**
       * Longest a consumer's fetch waits at the broker for new records; records that arrive end the wait at once,
       * so this bounds only how often an idle consumer asks again (lower: busier when idle).
       */
      maxWaitMs: number;
      /** How long handled offsets gather before a consumer commits them (longer: less work, more redelivered after a crash). */
      commitIntervalMs: number;
    };

/** Limits of one statement on `POST /admin/sql`; past any of them the statement stops with an error. */
export interface AuditSqlLimits {
  /** Longest a statement may run. */
  maxExecutionMs: number;
  /** Most memory a statement may use in the engine. */
  maxMemoryBytes: number;
  /** Most rows in an answer. */
  maxResultRows: number;
  /** Largest answer: the engine's result and the JSON lines sent. */
  maxResultBytes: number;
  /** Most engine threads a statement may use. */
  maxThreads: number;
}

export type AuditConfig =
  | { kind: 'chdb'; path: string; batchMaxRows: number; batchMaxMs: number; sql: AuditSqlLimits }
  | {
      kind: 'clickhouse';
      url: string;
      username: string;
      password: string;
      /** User that runs `POST /admin/sql` statements; absent, they run as `username`. */
      readerUsername?: string;
      readerPassword: string;
      batchMaxRows: number;
      batchMaxMs: number;
      sql: AuditSqlLimits;
    }
  | { kind: 'off' };

export interface PolicyConfig {
  /** Path of an OPA wasm bundle (.tar.gz); null means the default bundle shipped with Sluice. */
  bundle: string | null;
  /** Set false to allow everything without evaluating a policy. */
  enabled: boolean;
}

interface ServerCommon {
  /** Expose tools as `<server>__<tool>` (default) or under their own names. */
  prefix: boolean;
  /** Longest a call to this server may take. */
  timeoutMs: number;
  /** Tools that are safe to call twice. */
  idempotentTools: string[];
  /** Tenants that may list and call its tools; null: every tenant. */
  tenants: string[] | null;
  /** Environments (the principal's `environment`) that may list and call its tools; null: every environment. */
  environments: string[] | null;
  /** Roles that may call its tools (one is enough); null: any principal. Enforced by the default policy. */
  roles: string[] | null;
  /** What the router checks in the arguments of a call before it reaches the server. */
  arguments: ServerArgumentsConfig;
}

/** Size and depth limits of the arguments of one tool call. */
export interface ArgumentLimitsConfig {
  /** Longest the arguments may be as JSON, in UTF-8 bytes. Default 262 144 (256 KiB). */
  maxBytes: number;
  /** Deepest the arguments may nest (the arguments object is level 1). Default 32. */
  maxDepth: number;
}

/** `servers.<name>.arguments`: the argument firewall of one server. */
export interface ServerArgumentsConfig extends ArgumentLimitsConfig {
  /** Validate arguments against the tool's inputSchema. Default true. */
  validate: boolean;
  /** Limits of single tools, by the server's own tool name, over the server's. */
  tools: Record<string, Partial<ArgumentLimitsConfig>>;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4) the gateway uses to get its own access token for a server;
 * the token goes in `Authorization: Bearer` on every request to that server.
 */
export interface OAuthClientConfig {
  /** The token endpoint; null when it is discovered from `issuer`. */
  tokenUrl: string | null;
  /** The authorization server, whose metadata (RFC 8414, else OpenID discovery) names the token endpoint; or null. */
  issuer: string | null;
  clientId: string;
  /** Resolved at load (`${env:...}`, `${file:...}`); never logged. */
  clientSecret: string;
  /** Space-separated scopes to ask for, or null. */
  scope: string | null;
  /** The resource indicator (RFC 8707) to ask a token for, or null. */
  resource: string | null;
}

/**
 * RFC 8693 token exchange: for each tool call the gateway signs a short-lived assertion of the call's verified user
 * and exchanges it, authenticating as its own client, for an access token for the server; the session itself
 * (initialize, tools/list, the GET stream) uses the same client's client-credentials token.
 */
export interface TokenExchangeConfig extends OAuthClientConfig {
  /** The gateway's private key as PKCS#8 PEM, resolved at load from the value, a `${file:...}` reference or a path. */
  assertionKey: string;
  /** `kid` of the assertion's header, or null. */
  assertionKeyId: string | null;
  /** JWS algorithm of the assertion; at load a null is inferred from the key (ES256, EdDSA, RS256). */
  assertionAlg: 'ES256' | 'ES384' | 'EdDSA' | 'RS256' | 'PS256';
  /** `iss` of the assertion; at load a null becomes `clientId`. */
  assertionIssuer: string;
  /** A call without a verified user: refused (`refuse`) or made with the gateway's own token (`gateway`). */
  anonymous: 'refuse' | 'gateway';
  /** Exchanged tokens kept at most (one per tenant, user and agent); the least recently used goes first. */
  cacheSize: number;
}

export type ServerConfig =
  | (ServerCommon & {
      transport: 'stdio';
      command: string;
      args: string[];
      /** Variables set for the server, secret references resolved. */
      env: Record<string, string>;
      cwd: string | null;
      /** The server's whole environment: the base variables taken from the gateway's environment, then `env`. */
      environment: Record<string, string>;
    })
  | (ServerCommon & {
      transport: 'streamable-http';
      url: string;
      /** Headers sent with every request, secret references resolved. */
      headers: Record<string, string>;
      oauth: OAuthClientConfig | null;
      tokenExchange: TokenExchangeConfig | null;
    });

export interface IngressConfig {
  /** Name of this ingress node; unique across the cluster. Default: host name and process id. */
  nodeId: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Origins allowed to call; a request with an Origin header not listed gets 403. Empty: only loopback origins. */
  allowedOrigins: string[];
  /**
   * Host header values accepted besides the loopback names: `name` (any port) or `name:port`. Empty with a
   * non-loopback listen host: any Host is accepted (a warning at start).
   */
  allowedHosts: string[];
  /** How long the ingress waits for a request's reply before answering with a timeout error. */
  requestTimeoutMs: number;
  /** Tenant recorded for clients (until authentication assigns one). */
  tenant: string;
  /** Environment recorded for clients whose token or API key names none; null: none. */
  environment: string | null;
  /** Most header fields a request may carry; more is answered 431 and the connection closed. */
  maxHeaders: number;
  /** Most bytes of request line and header fields; more is answered 431 and the connection closed. */
  maxHeaderBytes: number;
  /** Longest a response or SSE stream may stay under backpressure (the client not reading) before it is dropped. */
  writeTimeoutMs: number;
  sessions: SessionLimits;
  /** Who may call /mcp. With neither section the listener is unauthenticated (loopback `listen.host` only). */
  auth: IngressAuthConfig;
}

/** Authentication at the ingress: OAuth 2.1 bearer tokens, API keys, or both. */
export interface IngressAuthConfig {
  oauth: OAuthConfig | null;
  apiKeys: ApiKeysConfig | null;
}

/** An OAuth 2.1 resource server: JWT access tokens from one issuer, opaque ones through its introspection endpoint. */
export interface OAuthConfig {
  /** `iss` every token must carry; also the authorization server named in the protected resource metadata. */
  issuer: string;
  /** Where the issuer publishes its JWKS (fetched, cached, refetched on an unknown `kid`). */
  jwksUri: string | null;
  /** A JWKS on disk, for offline use; at most one of `jwksUri` and `jwksFile`, and one of them or `introspection`. */
  jwksFile: string | null;
  /** Token introspection (RFC 7662) for tokens that are not JWTs (every token when no JWKS is configured); or null. */
  introspection: IntrospectionConfig | null;
  /** This gateway's resource URL (RFC 8707), the `aud` tokens must name. Default: `http://<listen.host>:<port>/mcp`. */
  resource: string | null;
  /** Authorization servers listed in the protected resource metadata. Default: `[issuer]`. */
  authorizationServers: string[];
  /** JWS algorithms accepted (asymmetric only). */
  algorithms: string[];
  /** Leeway on `exp` and `nbf`, in seconds. */
  clockToleranceS: number;
  /** Scopes every token must hold; missing ones get 403 insufficient_scope. */
  requiredScopes: string[];
  /** `scopes_supported` of the protected resource metadata. Default: `requiredScopes`. */
  scopesSupported: string[];
  /** Claims the principal is read from. */
  claims: IngressClaimsConfig;
  /** Verified tokens remembered (by SHA-256) until they expire, so later requests skip the signature check. */
  cacheSize: number;
}

/** Which claims of a verified token name the principal. */
export interface OAuthClaimsConfig {
  /** Claim naming the tenant; null: none (at the ingress, `ingress.tenant` then applies). */
  tenant: string | null;
  user: string;
  /** Claim naming the agent; null: `client_id`, else `azp`. */
  agent: string | null;
  roles: string;
}

/** The claim mapping of tokens at the ingress, which also names the principal's environment. */
export interface IngressClaimsConfig extends OAuthClaimsConfig {
  /** Claim naming the environment (for example `production`); null: none (`ingress.environment` then applies). */
  environment: string | null;
}

/** How the gateway asks the issuer whether an opaque token is active (RFC 7662). */
export interface IntrospectionConfig {
  /** The introspection endpoint; null: `introspection_endpoint` of the issuer's metadata (RFC 8414, else OpenID discovery). */
  endpoint: string | null;
  /** The gateway's client at the issuer, authenticated with HTTP Basic. */
  clientId: string;
  /** Resolved at load (`${env:...}`, `${file:...}`); never logged. */
  clientSecret: string;
  /** Longest an active answer is reused (also never past the token's `exp`), in seconds; 0: every request asks. */
  cacheMaxS: number;
  /** How long one introspection (or discovery) request may take before the request is answered 503. */
  timeoutMs: number;
}

/** API keys, for agents that cannot do OAuth. */
export interface ApiKeysConfig {
  keys: ApiKeyEntry[];
  /** A YAML or JSON list of entries, read at start and merged with `keys`. */
  file: string | null;
}

/** One API key: the SHA-256 (hex) of the key, and the principal it stands for. */
export interface ApiKeyEntry {
  sha256: string;
  tenant: string | null;
  /** The environment the key is valid in; null: `ingress.environment`. */
  environment: string | null;
  user: string | null;
  agent: string;
  roles: string[];
}

/** Bounds on the sessions one ingress node holds. */
export interface SessionLimits {
  /** Sessions this node holds at most; past it initialize is refused with 503. */
  max: number;
  /** Sessions one client address may hold on this node; past it initialize is refused with 429. */
  maxPerAddress: number;
  /** A session without requests (and without an open GET stream) for this long is closed. */
  idleTtlMs: number;
  /** A session is closed this long after it opened, however active. */
  maxLifetimeMs: number;
  /** Sessions one owner (principal, else client address) may open per minute; also the burst. Past it: 429. */
  createPerMinute: number;
}

/** The whole, validated, frozen configuration. */
/** An extra redaction rule: values (or parts of string values) matching `pattern` are redacted. */
export interface RedactionRuleConfig {
  /** Names the rule in markers (`[redacted:<name>:<hash>]`). */
  name: string;
  /** A JavaScript regular expression; a named group `secret` limits what is replaced to that group. */
  pattern: string;
  ignoreCase: boolean;
}

/** What is redacted from messages before they reach the bus, and how markers are keyed. */
export interface RedactionConfig {
  /** False turns redaction off: messages are stored as received. */
  enabled: boolean;
  /**
   * Key of the marker hashes (`${env:NAME}` and `${file:path}` resolved at load), or null for a key generated once
   * at `<dataDir>/redaction-key`.
   */
  hashKey: string | null;
  /** Built-in secret patterns in force (default: all). */
  builtins: BuiltinRuleName[];
  rules: RedactionRuleConfig[];
  /** JSON paths (RFC 9535) per exposed tool name, evaluated on a tools/call's `params` and on its response's `result`. */
  tools: Record<string, string[]>;
}

export interface SluiceConfig {
  /** Absolute path of the file this was read from, or null. */
  file: string | null;
  /** Absolute path of the directory for state the gateway keeps (the generated admin token). */
  dataDir: string;
  listen: ListenConfig;
  admin: AdminConfig;
  bus: BusConfig;
  audit: AuditConfig;
  policy: PolicyConfig;
  ingress: IngressConfig;
  servers: Record<string, ServerConfig>;
  redaction: RedactionConfig;
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}
