import type { logCreator, logLevel as LogLevel } from 'kafkajs';
import { logLevel } from './client.js';
import type { KafkaBusLogger } from './options.js';

/**
 * Routes the Kafka client's log lines to the bus logger, quieter than the client's own levels: its INFO lines
 * (joins, connects) become debug, and its per-response errors ("Response Produce(...)"), which precede a retry
 * the client makes itself, become debug as well. What fails for good reaches the caller as an error instead.
 */
export function kafkaLogCreator(logger: KafkaBusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { ...extra, namespace };
      if (level === logLevel.ERROR) {
        logger(message.startsWith('Response ') ? 'debug' : 'error', message, fields);
      } else if (level === logLevel.WARN) {
        logger('warn', message, fields);
      } else {
        logger('debug', message, fields);
      }
    };
}

/** The client log level: INFO (shown as debug) when a logger is set, else nothing at all. */
export function kafkaLogLevel(hasLogger: boolean): LogLevel {
  return hasLogger ? logLevel.INFO : logLevel.NOTHING;
}
