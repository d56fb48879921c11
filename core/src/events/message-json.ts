/** Where message bytes keep the JSON value parsed from them. */
const JSON_VALUE = Symbol('sluice.messageJson');

type Carrier = Uint8Array & { [JSON_VALUE]?: unknown };

/**
 * Keeps the JSON value a role parsed from a message's bytes with those bytes, so the roles after it in this
 * process (on the in-memory bus an event's `message` is the very same Buffer all the way to the router) read it
 * without decoding and parsing the text again. The value is frozen through and through, since every reader
 * shares it. Bytes that crossed Kafka are new Buffers and get parsed again.
 */
export function rememberMessageJson(bytes: Uint8Array, value: unknown): void {
  (bytes as Carrier)[JSON_VALUE] = deepFreeze(value);
}

/** The JSON value of a message's bytes: the one kept with them, else parsed now. Throws SyntaxError on bad JSON. */
export function messageJson(bytes: Uint8Array): unknown {
  const carrier = bytes as Carrier;
  if (JSON_VALUE in carrier) return carrier[JSON_VALUE];
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}

function deepFreeze(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  return value;
}
