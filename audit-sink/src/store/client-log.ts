import type { ClickHouseClientConfigOptions, Logger as ClientLogger, ErrorLogParams, LogParams, WarnLogParams } from '@clickhouse/client';
import type { Logger } from '@sluice/core';

/** The client's `log` option: its warnings and errors go to the process logger instead of the console. */
export function clientLog(logger: Logger): NonNullable<ClickHouseClientConfigOptions['log']> {
  const log = logger.child({ component: 'clickhouse-client' });
  return {
    LoggerClass: class implements ClientLogger {
      trace({ module, message, args }: LogParams): void {
        log.trace({ module, ...args }, message);
      }
      debug({ module, message, args }: LogParams): void {
        log.debug({ module, ...args }, message);
      }
      info({ module, message, args }: LogParams): void {
        log.info({ module, ...args }, message);
      }
      warn({ module, message, args, err }: WarnLogParams): void {
        log.warn({ module, ...args, err }, message);
      }
      error({ module, message, args, err }: ErrorLogParams): void {
        log.error({ module, ...args, err }, message);
      }
    },
  };
}
