/** Error codes raised by core, each with whether retrying can help. */
export const CORE_ERRORS = {
  SLUICE_CONFIG_INVALID: { retriable: false, message: 'configuration is invalid' },
  SLUICE_CONFIG_UNREADABLE: { retriable: false, message: 'configuration file cannot be read or parsed' },
  SLUICE_BUS_CLOSED: { retriable: false, message: 'the bus is closed' },
  SLUICE_BUS_UNKNOWN_TOPIC: { retriable: false, message: 'the topic does not exist' },
  SLUICE_REDACTION_KEY_UNUSABLE: { retriable: false, message: 'the generated redaction key file cannot be read or made, or is open to other users' },
  SLUICE_BUS_BROKER_ERROR: { retriable: true, message: 'the broker failed or refused a request; retriable when the Kafka client says so' },
} as const;

/** A core error code. */
export type CoreErrorCode = keyof typeof CORE_ERRORS;

/** Base class of Sluice errors: branch on `code`, retry when `retriable`. */
export class SluiceError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  constructor(code: string, message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.retriable = options.retriable;
  }
}

/** A configuration error that names the file, the key and the reason. */
export class ConfigError extends SluiceError {
  readonly file: string;
  readonly key: string;
  readonly reason: string;
  constructor(code: 'SLUICE_CONFIG_INVALID' | 'SLUICE_CONFIG_UNREADABLE', file: string, key: string, reason: string) {
    super(code, `${file}: ${key}: ${reason}`, { retriable: false });
    this.name = 'ConfigError';
    this.file = file;
    this.key = key;
    this.reason = reason;
  }
}
