/**
 * The audit schema, as an ordered list of idempotent statements run on every open. A change is a new statement
 * appended at the end (`ALTER TABLE … ADD COLUMN IF NOT EXISTS …`); released statements never change.
 *
 * Both tables are ReplacingMergeTree keyed by (tenant, time, id): analysts filter by tenant and time range, and a
 * row stored twice has the same key, so merges collapse it. The sink also skips ids already stored before each
 * insert, so plain counts (without FINAL) see every row once.
 */
export const MIGRATIONS: readonly string[] = [
  'CREATE DATABASE IF NOT EXISTS sluice',
  `CREATE TABLE IF NOT EXISTS sluice.events
(
    event_id String,
    type LowCardinality(String),
    schema_version UInt16,
    time DateTime64(3, 'UTC'),
    tenant LowCardinality(String),
    principal_user Nullable(String),
    agent Nullable(String),
    roles Array(String),
    session_id Nullable(String),
    request_id Nullable(String),
    ingress_node Nullable(String),
    traceparent Nullable(String),
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    payload String CODEC(ZSTD(3)),
    message String CODEC(ZSTD(3)),
    INDEX event_id_bloom event_id TYPE bloom_filter GRANULARITY 4,
    INDEX session_id_bloom session_id TYPE bloom_filter GRANULARITY 4,
    INDEX request_id_bloom request_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (tenant, time, event_id)`,
  `CREATE TABLE IF NOT EXISTS sluice.calls
(
    request_id String,
    event_id String,
    jsonrpc_id Nullable(String),
    session_id Nullable(String),
    tenant LowCardinality(String),
    principal_user Nullable(String),
    agent LowCardinality(Nullable(String)),
    server LowCardinality(Nullable(String)),
    tool LowCardinality(Nullable(String)),
    method LowCardinality(Nullable(String)),
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    latency_ms Float64,
    outcome LowCardinality(String),
    error_code Nullable(Int32),
    policy_revision LowCardinality(Nullable(String)),
    request_bytes UInt32,
    response_bytes UInt32,
    INDEX request_id_bloom request_id TYPE bloom_filter GRANULARITY 4,
    INDEX session_id_bloom session_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (tenant, started_at, request_id)`,
  // The principal's credential (envelope v2): rows stored before read no scopes and nulls.
  `ALTER TABLE sluice.events
    ADD COLUMN IF NOT EXISTS scopes Array(String) AFTER roles,
    ADD COLUMN IF NOT EXISTS environment LowCardinality(Nullable(String)) AFTER scopes,
    ADD COLUMN IF NOT EXISTS auth_method LowCardinality(Nullable(String)) AFTER environment,
    ADD COLUMN IF NOT EXISTS token_id Nullable(String) AFTER auth_method,
    ADD INDEX IF NOT EXISTS token_id_bloom token_id TYPE bloom_filter GRANULARITY 4`,
  `ALTER TABLE sluice.calls
    ADD COLUMN IF NOT EXISTS roles Array(String) AFTER agent,
    ADD COLUMN IF NOT EXISTS scopes Array(String) AFTER roles,
    ADD COLUMN IF NOT EXISTS environment LowCardinality(Nullable(String)) AFTER scopes,
    ADD COLUMN IF NOT EXISTS auth_method LowCardinality(Nullable(String)) AFTER environment,
    ADD COLUMN IF NOT EXISTS token_id Nullable(String) AFTER auth_method,
    ADD INDEX IF NOT EXISTS token_id_bloom token_id TYPE bloom_filter GRANULARITY 4`,
];
