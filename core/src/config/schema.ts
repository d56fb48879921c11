import { BUILTIN_RULE_NAMES } from '../redaction/builtin-rules.js';

const listen = {
  type: 'object',
  additionalProperties: false,
  required: ['port'],
  properties: {
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
  },
} as const;
const timeoutMs = { type: 'integer', minimum: 1, maximum: 3600000, default: 30000 } as const;
// Each audit write costs chDB a fixed 5–25 ms of CPU per table and starts merges, so rows are written in large,
// rare batches: at 500 calls/s one write a second costs the engine about 160 µs per call, five a second 500–650 µs
// (docs/DECISIONS.md). A handler waits for its write, so this is also how long a batch's offsets stay uncommitted.
const batchMaxRows = { type: 'integer', minimum: 1, maximum: 1000000, default: 10000 } as const;
const batchMaxMs = { type: 'integer', minimum: 1, maximum: 60000, default: 1000 } as const;
const names = { type: 'array', items: { type: 'string', minLength: 1 }, default: [] } as const;
// Who may use a server: a list of names, or null (the default) for everyone.
const restriction = { type: ['array', 'null'], items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true, default: null } as const;
const argumentLimit = { maxBytes: { type: 'integer', minimum: 2, maximum: 67108864 }, maxDepth: { type: 'integer', minimum: 1, maximum: 256 } } as const;
// What the router lets through to a server's tools (docs/DECISIONS.md, "Argument firewall").
const serverArguments = {
  type: 'object',
  default: {},
  additionalProperties: false,
  properties: {
    validate: { type: 'boolean', default: true },
    maxBytes: { ...argumentLimit.maxBytes, default: 262144 },
    maxDepth: { ...argumentLimit.maxDepth, default: 32 },
    tools: { type: 'object', default: {}, additionalProperties: { type: 'object', additionalProperties: false, properties: argumentLimit } },
  },
} as const;
/** Keys every server has, whatever its transport. */
const serverCommon = {
  prefix: { type: 'boolean', default: true },
  timeoutMs: timeoutMs,
  idempotentTools: names,
  tenants: restriction,
  environments: restriction,
  roles: restriction,
  arguments: serverArguments,
} as const;
const hosts = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 260 }, default: [] } as const;
// Limits of one statement on POST /admin/sql (docs/DECISIONS.md, "Audit SQL").
const auditSql = {
  type: 'object',
  default: {},
  additionalProperties: false,
  properties: {
    maxExecutionMs: { type: 'integer', minimum: 1, maximum: 3600000, default: 10000 },
    maxMemoryBytes: { type: 'integer', minimum: 1048576, default: 268435456 },
    maxResultRows: { type: 'integer', minimum: 1, default: 100000 },
    maxResultBytes: { type: 'integer', minimum: 1024, maximum: 1073741824, default: 16777216 },
    maxThreads: { type: 'integer', minimum: 1, maximum: 256, default: 2 },
  },
} as const;

const claimName = { type: 'string', minLength: 1, maxLength: 256 } as const;
/** Asymmetric JWS algorithms only: `none` and the HMAC family (a shared secret) are never accepted. */
export const ASYMMETRIC_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const claimMapping = (tenant: string | null) =>
  ({
    type: 'object',
    default: {},
    additionalProperties: false,
    properties: {
      tenant: { ...claimName, type: ['string', 'null'], default: tenant },
      user: { ...claimName, default: 'sub' },
      agent: { ...claimName, type: ['string', 'null'], default: null },
      roles: { ...claimName, default: 'roles' },
    },
  }) as const;
const ingressClaimMapping = {
  ...claimMapping(null),
  properties: { ...claimMapping(null).properties, environment: { ...claimName, type: ['string', 'null'], default: null } },
} as const;
const jwtAlgorithms = { type: 'array', minItems: 1, items: { enum: ASYMMETRIC_JWT_ALGORITHMS }, default: [...ASYMMETRIC_JWT_ALGORITHMS] } as const;
const clockToleranceS = { type: 'integer', minimum: 0, maximum: 300, default: 30 } as const;
const scopes = { type: 'array', items: { type: 'string', pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$' }, default: [] } as const;
const apiKey = {
  type: 'object',
  additionalProperties: false,
  required: ['sha256', 'agent'],
  properties: {
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    tenant: { type: ['string', 'null'], minLength: 1, default: null },
    environment: { type: ['string', 'null'], minLength: 1, default: null },
    user: { type: ['string', 'null'], minLength: 1, default: null },
    agent: { type: 'string', minLength: 1 },
    roles: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
  },
} as const;
/** `ingress.auth.apiKeys.file` holds a list of these (YAML or JSON). */
export const API_KEY_LIST_SCHEMA = { type: 'array', items: apiKey } as const;
const ingressAuth = {
  type: 'object',
  default: {},
  additionalProperties: false,
  properties: {
    oauth: {
      type: ['object', 'null'],
      default: null,
      additionalProperties: false,
      required: ['issuer'],
      properties: {
        issuer: { type: 'string', pattern: '^https?://' },
        jwksUri: { type: ['string', 'null'], pattern: '^https?://', default: null },
        jwksFile: { type: ['string', 'null'], minLength: 1, default: null },
        introspection: {
          type: ['object', 'null'],
          default: null,
          additionalProperties: false,
          required: ['clientId', 'clientSecret'],
          properties: {
            endpoint: { type: ['string', 'null'], pattern: '^https?://', default: null },
            clientId: { type: 'string', minLength: 1 },
            clientSecret: { type: 'string', minLength: 1 },
            cacheMaxS: { type: 'integer', minimum: 0, maximum: 3600, default: 60 },
            timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 5000 },
          },
        },
        resource: { type: ['string', 'null'], pattern: '^https?://', default: null },
        authorizationServers: { type: 'array', items: { type: 'string', pattern: '^https?://' }, default: [] },
        algorithms: jwtAlgorithms,
        clockToleranceS,
        requiredScopes: scopes,
        scopesSupported: scopes,
        claims: ingressClaimMapping,
        cacheSize: { type: 'integer', minimum: 0, maximum: 1000000, default: 10000 },
      },
    },
    apiKeys: {
      type: ['object', 'null'],
      default: null,
      additionalProperties: false,
      properties: {
        keys: { ...API_KEY_LIST_SCHEMA, default: [] },
        file: { type: ['string', 'null'], minLength: 1, default: null },
      },
    },
  },
} as const;

/** The gateway as a client of a token endpoint: `servers.<name>.oauth` and `.tokenExchange` share these. */
const tokenClient = {
  tokenUrl: { type: ['string', 'null'], minLength: 1, default: null },
  issuer: { type: ['string', 'null'], minLength: 1, default: null },
  clientId: { type: 'string', minLength: 1 },
  clientSecret: { type: 'string', minLength: 1 },
  scope: { type: ['string', 'null'], minLength: 1, default: null },
  resource: { type: ['string', 'null'], minLength: 1, default: null },
} as const;

/** JSON Schema of the YAML configuration file; defaults here are the documented defaults. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', minLength: 1, default: '.sluice' },
    listen: { ...listen, default: { host: '127.0.0.1', port: 8080 } },
    admin: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8081 },
        auth: { enum: ['token', 'none'], default: 'token' },
        tokenFile: { type: ['string', 'null'], minLength: 1, default: null },
        tokenEnv: { type: ['string', 'null'], pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: null },
        metrics: { enum: ['token', 'open'], default: 'token' },
        allowedHosts: hosts,
        allowedOrigins: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
        oauth: {
          type: ['object', 'null'],
          default: null,
          additionalProperties: false,
          required: ['issuer', 'audience'],
          properties: {
            issuer: { type: 'string', pattern: '^https?://' },
            jwksUri: { type: ['string', 'null'], pattern: '^https?://', default: null },
            jwksFile: { type: ['string', 'null'], minLength: 1, default: null },
            audience: { type: 'string', minLength: 1 },
            algorithms: jwtAlgorithms,
            clockToleranceS,
            claims: claimMapping('tenant'),
          },
        },
      },
    },
    bus: {
      type: 'object',
      default: { kind: 'memory' },
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: [
        { properties: { kind: { const: 'memory' } }, additionalProperties: false },
        {
          properties: {
            kind: { const: 'kafka' },
            brokers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^:\\s]+:[0-9]+$' } },
            topicPrefix: { type: 'string', pattern: '^[A-Za-z0-9._-]*$', default: 'sluice.' },
            clientId: { type: 'string', minLength: 1, default: 'sluice' },
            maxWaitMs: { type: 'integer', minimum: 1, maximum: 10000, default: 250 },
            commitIntervalMs: { type: 'integer', minimum: 0, maximum: 60000, default: 100 },
          },
          required: ['brokers'],
          additionalProperties: false,
        },
      ],
    },
    audit: {
      type: 'object',
      default: { kind: 'chdb' },
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: [
        {
          properties: {
            kind: { const: 'chdb' },
            path: { type: 'string', minLength: 1, default: '.sluice/audit' },
            batchMaxRows: batchMaxRows,
            batchMaxMs: batchMaxMs,
            sql: auditSql,
          },
          additionalProperties: false,
        },
        {
          properties: {
            kind: { const: 'clickhouse' },
            url: { type: 'string', pattern: '^https?://' },
            username: { type: 'string', default: 'default' },
            password: { type: 'string', default: '' },
            readerUsername: { type: 'string', minLength: 1 },
            readerPassword: { type: 'string', default: '' },
            batchMaxRows: batchMaxRows,
            batchMaxMs: batchMaxMs,
            sql: auditSql,
          },
          required: ['url'],
          additionalProperties: false,
        },
        { properties: { kind: { const: 'off' } }, additionalProperties: false },
      ],
    },
    policy: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        bundle: { type: ['string', 'null'], minLength: 1, default: null },
        enabled: { type: 'boolean', default: true },
      },
    },
    ingress: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        nodeId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
        maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 104857600, default: 4194304 },
        allowedOrigins: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
        allowedHosts: hosts,
        requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 3600000, default: 60000 },
        tenant: { type: 'string', minLength: 1, default: 'default' },
        environment: { type: ['string', 'null'], minLength: 1, default: null },
        maxHeaders: { type: 'integer', minimum: 8, maximum: 48, default: 40 },
        maxHeaderBytes: { type: 'integer', minimum: 1024, maximum: 65536, default: 8192 },
        writeTimeoutMs: { type: 'integer', minimum: 50, maximum: 600000, default: 30000 },
        auth: ingressAuth,
        sessions: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            max: { type: 'integer', minimum: 1, maximum: 1000000, default: 10000 },
            maxPerAddress: { type: 'integer', minimum: 1, maximum: 1000000, default: 100 },
            idleTtlMs: { type: 'integer', minimum: 50, maximum: 604800000, default: 1800000 },
            maxLifetimeMs: { type: 'integer', minimum: 50, maximum: 2592000000, default: 86400000 },
            createPerMinute: { type: 'integer', minimum: 1, maximum: 1000000, default: 60 },
          },
        },
      },
    },
    servers: {
      type: 'object',
      default: {},
      // No `__` and no trailing `_`: a prefixed exposed name `<server>__<tool>` then names its server unambiguously.
      propertyNames: { pattern: '^(?!.*__)(?!.*_$)[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' },
      additionalProperties: {
        type: 'object',
        required: ['transport'],
        discriminator: { propertyName: 'transport' },
        oneOf: [
          {
            properties: {
              transport: { const: 'stdio' },
              command: { type: 'string', minLength: 1 },
              args: { type: 'array', items: { type: 'string' }, default: [] },
              env: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
              cwd: { type: ['string', 'null'], default: null },
              ...serverCommon,
            },
            required: ['command'],
            additionalProperties: false,
          },
          {
            properties: {
              transport: { const: 'streamable-http' },
              url: { type: 'string', pattern: '^https?://' },
              headers: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
              oauth: {
                type: ['object', 'null'],
                default: null,
                additionalProperties: false,
                required: ['clientId', 'clientSecret'],
                properties: {
                  ...tokenClient,
                },
              },
              tokenExchange: {
                type: ['object', 'null'],
                default: null,
                additionalProperties: false,
                required: ['clientId', 'clientSecret', 'assertionKey'],
                properties: {
                  ...tokenClient,
                  assertionKey: { type: 'string', minLength: 1 },
                  assertionKeyId: { type: ['string', 'null'], minLength: 1, default: null },
                  assertionAlg: { enum: ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256', null], default: null },
                  assertionIssuer: { type: ['string', 'null'], minLength: 1, default: null },
                  anonymous: { enum: ['refuse', 'gateway'], default: 'refuse' },
                  cacheSize: { type: 'integer', minimum: 1, maximum: 1000000, default: 1000 },
                },
              },
              ...serverCommon,
            },
            required: ['url'],
            additionalProperties: false,
          },
        ],
      },
    },
    redaction: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: true },
        hashKey: { type: ['string', 'null'], minLength: 1, default: null },
        builtins: { type: 'array', items: { enum: BUILTIN_RULE_NAMES }, uniqueItems: true, default: [...BUILTIN_RULE_NAMES] },
        rules: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'pattern'],
            properties: {
              name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
              pattern: { type: 'string', minLength: 1, maxLength: 1000 },
              ignoreCase: { type: 'boolean', default: false },
            },
          },
        },
        tools: {
          type: 'object',
          default: {},
          additionalProperties: { type: 'array', items: { type: 'string', pattern: '^\\$', maxLength: 1000 }, minItems: 1 },
        },
      },
    },
    log: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
  },
} as const;
