/** The server store: the shared SQL store over a ClickHouse server reached with @clickhouse/client. */
import type { ClickhouseStoreConfig } from '../../config/store.ts';
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../core/store.ts';
import { SqlStore } from '../sql-store.ts';
import { ClickhouseEngine } from './clickhouse-engine.ts';

export function createClickhouseStore(
  config: ClickhouseStoreConfig,
  deps: { logger: Logger },
): Store {
  return new SqlStore(new ClickhouseEngine(config), {
    logger: deps.logger.child({ store: 'clickhouse' }),
  });
}
