/** Requests an MCP client may send (revisions 2025-03-26, 2025-06-18 and 2025-11-25). */
export const CLIENT_REQUEST_METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
] as const;

/** Notifications an MCP client sends; any other `notifications/...` is accepted and labelled as other. */
export const CLIENT_NOTIFICATION_METHODS = [
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
  'notifications/tasks/status',
] as const;

const REQUESTS = new Set<string>(CLIENT_REQUEST_METHODS);
const NOTIFICATIONS = new Set<string>(CLIENT_NOTIFICATION_METHODS);
const NOTIFICATION_PREFIX = 'notifications/';

/** Whether a client message with this method may go on the bus. */
export function isKnownMethod(kind: 'request' | 'notification', method: string): boolean {
  return kind === 'request' ? REQUESTS.has(method) : method.startsWith(NOTIFICATION_PREFIX);
}

/** A metrics label for a method that never carries a client-chosen string (bounded label values). */
export function methodLabel(method: string | null): string {
  if (method === null) return 'response';
  if (REQUESTS.has(method) || NOTIFICATIONS.has(method)) return method;
  return method.startsWith(NOTIFICATION_PREFIX) ? 'notifications/other' : 'unknown';
}
