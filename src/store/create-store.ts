/** Picks the store adapter named by config; the registry is checked by the compiler against the config union. */
import type { StoreConfig } from '../config/store.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';

export interface StoreDeps {
  logger: Logger;
}

export type StoreFactory<K extends StoreConfig['type'] = StoreConfig['type']> = (
  config: Extract<StoreConfig, { type: K }>,
  deps: StoreDeps,
) => Promise<Store>;

// Adapters load lazily: the embedded engine's native library is large and the CLI's --help stays fast.
const STORE_FACTORIES = {
  embedded: async (config, deps) => {
    const { createEmbeddedStore } = await import('./embedded/embedded-store.ts');
    return createEmbeddedStore(config, deps);
  },
  clickhouse: async (config, deps) => {
    const { createClickhouseStore } = await import('./clickhouse/clickhouse-store.ts');
    return createClickhouseStore(config, deps);
  },
} satisfies { [K in StoreConfig['type']]: StoreFactory<K> };

/** Builds the configured store, not yet connected (call connect(), which also migrates). */
export function createStore(config: StoreConfig, deps: StoreDeps): Promise<Store> {
  const factory = STORE_FACTORIES[config.type] as StoreFactory;
  return factory(config, deps);
}
