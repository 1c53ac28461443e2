/** Builds the alert engine on the store (rollup counts, headlines, persisted state) from the alerts config slice. */
import { AlertEngine } from '../alerts/engine.ts';
import type { AlertSink } from '../alerts/notify/types.ts';
import { loadRules } from '../alerts/rules-file.ts';
import { sectorGroups } from '../alerts/selector.ts';
import type { AlertsConfig } from '../config/alerts.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';
import type { Watchlist } from '../topics/watchlist.ts';

export interface AlertingDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  watchlist: Watchlist;
  sinks: readonly AlertSink[];
}

export async function openAlertEngine(
  config: AlertsConfig,
  deps: AlertingDeps,
): Promise<AlertEngine> {
  const rules = loadRules(config.rulesFile);
  const { store } = deps;
  const engine = new AlertEngine({
    rules,
    dataSource: {
      topicCounts: (query) => store.topicCounts(query),
      headlines: async (topic, fromMs, toMs, limit) =>
        (await store.topicHeadlines({ ...topic, fromMs, toMs, limit, order: 'negative' })).map(
          (item) => ({
            title: item.title,
            score: item.score,
            publishedAt: item.publishedAt,
          }),
        ),
    },
    stateStore: store,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'alerts' }),
    sinks: deps.sinks,
    groups: sectorGroups(deps.watchlist.companies),
  });
  await engine.start();
  return engine;
}
