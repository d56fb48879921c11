import type { ConsumedEvent } from '@sluice/core';
import { isTerminal, toCallRow, type CallRow } from './call-row.js';
import { toEventRow, type EventRow } from './event-row.js';

/** Rows for both audit tables, written together. */
export interface AuditBatch {
  events: EventRow[];
  calls: CallRow[];
}

/** The rows a batch of consumed events yields: one event row each, plus a call row per terminal reply. */
export function toAuditBatch(consumed: readonly ConsumedEvent[]): AuditBatch {
  const batch: AuditBatch = { events: [], calls: [] };
  for (const item of consumed) {
    batch.events.push(toEventRow(item));
    const call = isTerminal(item.event) ? toCallRow(item.event) : null;
    if (call) batch.calls.push(call);
  }
  return batch;
}

/** Number of rows in a batch, over both tables. */
export function rowCount(batch: AuditBatch): number {
  return batch.events.length + batch.calls.length;
}
