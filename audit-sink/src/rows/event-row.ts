import type { ConsumedEvent } from '@sluice/core';
import type { EventType } from '@sluice/schemas';
import { toDateTime64 } from './datetime.js';

/** One row of `sluice.events`, as inserted with JSONEachRow. */
export interface EventRow {
  /** The event's UUIDv7. */
  event_id: string;
  type: EventType;
  schema_version: number;
  time: string;
  tenant: string;
  principal_user: string | null;
  agent: string | null;
  roles: string[];
  scopes: string[];
  environment: string | null;
  /** `oauth`, `api-key` or `none`; null in rows of events that did not record it. */
  auth_method: string | null;
  /** Id of the caller's credential (the JWT `jti`, or an API key id), never the credential. */
  token_id: string | null;
  session_id: string | null;
  request_id: string | null;
  ingress_node: string | null;
  traceparent: string | null;
  /** Physical topic the record was read from, so (topic, partition, offset) finds it on the bus. */
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets exceed 2^53. */
  offset: string;
  /** The event body as JSON. */
  payload: string;
  /** The JSON-RPC message text, '' when the event carries none. */
  message: string;
}

const utf8 = new TextDecoder();

/** The `sluice.events` row for a consumed event. */
export function toEventRow({ event, record }: ConsumedEvent): EventRow {
  return {
    event_id: event.id,
    type: event.type,
    schema_version: event.schemaVersion,
    time: toDateTime64(event.time),
    tenant: event.tenant,
    principal_user: event.principal.user,
    agent: event.principal.agent,
    roles: event.principal.roles,
    scopes: event.principal.scopes,
    environment: event.principal.environment,
    auth_method: event.principal.authMethod,
    token_id: event.principal.tokenId,
    session_id: event.sessionId,
    request_id: event.requestId,
    ingress_node: event.ingressNode,
    traceparent: event.traceparent,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    payload: JSON.stringify(event.body),
    message: event.message ? utf8.decode(event.message) : '',
  };
}
