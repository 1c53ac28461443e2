/** The embedded store: the shared SQL store over chdb, with its data in one on-disk dir per process. */
import type { EmbeddedStoreConfig } from '../../config/store.ts';
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../core/store.ts';
import { SqlStore } from '../sql-store.ts';
import { ChdbEngine } from './chdb-engine.ts';

export function createEmbeddedStore(config: EmbeddedStoreConfig, deps: { logger: Logger }): Store {
  return new SqlStore(new ChdbEngine(config.path), {
    logger: deps.logger.child({ store: 'embedded' }),
  });
}
