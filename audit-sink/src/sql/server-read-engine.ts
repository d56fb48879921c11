import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { AuditSqlLimits } from '@sluice/core';
import type { ReadEngine } from './read-engine.js';
import { readSettings } from './read-settings.js';
import { resultTooLarge } from './result-cap.js';

/**
 * Statements on a ClickHouse server through `client` (connected as the reader user, with `sluice` as its database).
 * Settings travel with each request, so each statement has its own; the server cancels a read whose HTTP request is
 * closed, which the abort signal does.
 */
export function serverReadEngine(client: ClickHouseClient, limits: AuditSqlLimits): ReadEngine {
  const settings = (caller: boolean): ClickHouseSettings =>
    ({ ...readSettings(limits, caller), cancel_http_readonly_queries_on_client_close: '1' }) as unknown as ClickHouseSettings;
  const callerSettings = settings(true);
  const checkSettings = settings(false);
  return {
    async run(query, options) {
      const result = await client.query({
        query,
        format: options.format,
        query_params: options.params,
        clickhouse_settings: withFilters(options.caller ? callerSettings : checkSettings, options.tableFilters),
        abort_signal: options.signal,
      });
      const parts: string[] = [];
      let bytes = 0;
      for await (const rows of result.stream()) {
        for (const row of rows) {
          bytes += Buffer.byteLength(row.text) + 1;
          if (options.caller && bytes > limits.maxResultBytes) {
            result.close();
            throw resultTooLarge(limits.maxResultBytes);
          }
          parts.push(row.text, '\n');
        }
      }
      return parts.join('');
    },
    close: () => client.close(),
  };
}

function withFilters(settings: ClickHouseSettings, filters: string | undefined): ClickHouseSettings {
  return filters === undefined ? settings : ({ ...settings, additional_table_filters: filters } as unknown as ClickHouseSettings);
}
