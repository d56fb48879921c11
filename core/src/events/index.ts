export { EventLog, type ConsumedEvent, type EventSubscribeOptions } from './event-log.js';
export { newEvent, carry, type EnvelopeInit } from './new-event.js';
export { messageJson, rememberMessageJson } from './message-json.js';
export { toPrincipal, type PrincipalInit } from './principal.js';
