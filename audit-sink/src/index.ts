export { startAuditSink, runAuditSink, AUDIT_SINK_GROUP, AUDITED_TOPICS, type AuditSink } from './audit-sink.js';
export { AUDIT_ERRORS, AuditError, isAuditError, type AuditErrorCode } from './errors.js';
export { toAuditBatch, rowCount, type AuditBatch } from './rows/audit-batch.js';
export { toEventRow, type EventRow } from './rows/event-row.js';
export { toCallRow, isTerminal, type CallRow } from './rows/call-row.js';
export type { AuditStore, WriteResult } from './store/audit-store.js';
export { openAuditStore } from './store/open-audit-store.js';
export { readOnlyStatement, READ_ONLY_KEYWORDS } from './store/read-only-sql.js';
export { MIGRATIONS } from './store/migrations.js';
