import { SluiceError } from '../../errors.js';

/** Raised when the broker fails or refuses a request; `retriable` follows the Kafka client's verdict. */
export const BUS_BROKER_ERROR = 'SLUICE_BUS_BROKER_ERROR';

interface KafkaJsLikeError {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  originalError?: unknown;
  message?: unknown;
}

/** The innermost client error: "retries exceeded" wraps the one that explains what went wrong. */
function rootCause(error: unknown): KafkaJsLikeError {
  let current = error as KafkaJsLikeError;
  for (let depth = 0; depth < 5 && current.originalError && typeof current.originalError === 'object'; depth++) {
    current = current.originalError as KafkaJsLikeError;
  }
  return current;
}

/** Whether a Kafka client error says the topic (or one of its partitions) does not exist. */
export function isUnknownTopic(error: unknown): boolean {
  return typeof error === 'object' && error !== null && rootCause(error).type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/** Translates a Kafka client error into a Sluice bus error; callers branch on `.code`. */
export function toBusError(error: unknown, doing: string): SluiceError {
  if (error instanceof SluiceError) return error;
  if (typeof error !== 'object' || error === null) {
    return new SluiceError(BUS_BROKER_ERROR, `${doing}: ${String(error)}`, { retriable: false, cause: error });
  }
  const root = rootCause(error);
  const detail = typeof root.message === 'string' ? root.message : String(root.name);
  if (root.type === 'UNKNOWN_TOPIC_OR_PARTITION') {
    return new SluiceError('SLUICE_BUS_UNKNOWN_TOPIC', `${doing}: ${detail}`, { retriable: false, cause: error });
  }
  // Connection loss, timeouts and leader changes are retriable in the client; protocol refusals are not.
  const retriable = root.retriable === true || root.name === 'KafkaJSConnectionError' || root.name === 'KafkaJSRequestTimeoutError';
  return new SluiceError(BUS_BROKER_ERROR, `${doing}: ${detail}`, { retriable, cause: error });
}

/** The error for calls made after `close()`. */
export function busClosed(): SluiceError {
  return new SluiceError('SLUICE_BUS_CLOSED', 'the Kafka bus is closed', { retriable: false });
}
