/**
 * Backtest histories that need other modules: a recorded stream scored by the model in memory (`--replay`),
 * or the store's own rollup (`--from-store`). Nothing is written anywhere.
 */

import type { BacktestSource } from '../alerts/backtest-history.ts';
import { MemoryDataSource, mentionsOf } from '../alerts/data-source.ts';
import { storeDataSource } from '../alerts/store-data-source.ts';
import type { Config } from '../config/schema.ts';
import { appendAll } from '../core/append-all.ts';
import { systemClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import { readStream } from '../ingest/replay/read-stream.ts';
import { scoreItems } from '../scoring/score-items.ts';
import { openScorer, openStore, openTopics } from './components.ts';

const BATCH = 256;

export async function replayScoredSource(
  dir: string,
  config: Config,
  logger: Logger,
): Promise<BacktestSource> {
  const contents = await readStream(dir);
  const scorer = await openScorer(config.model, logger);
  const scoring = { scorer, topics: openTopics(config.topics, logger), clock: systemClock, logger };
  const scored: ScoredItem[] = [];
  const skipped = contents.problems
    .filter((p) => p.kind === 'rejected')
    .map((p) => `${p.where}: ${p.message}`);
  try {
    for (let start = 0; start < contents.items.length; start += BATCH) {
      const batch = contents.items.slice(start, start + BATCH);
      const outcome = await scoreItems(batch, scoring);
      appendAll(scored, outcome.scored);
      for (const failed of outcome.failed)
        skipped.push(`${batch[failed.index]?.id ?? '?'}: ${failed.reason}`);
    }
  } finally {
    await scorer.close();
  }
  const source = new MemoryDataSource(mentionsOf(scored));
  return {
    description: `${scored.length} items of ${dir} scored by ${scorer.modelVersion}`,
    dataSource: source,
    span: source.span(),
    skipped,
  };
}

export async function storeSource(config: Config, logger: Logger): Promise<BacktestSource> {
  const store = await openStore(config.store, logger);
  const stats = await store.stats();
  return {
    description: `${stats.items} stored items (${store.type} store, model ${stats.modelVersion ?? '–'})`,
    dataSource: storeDataSource(store),
    span:
      stats.firstPublishedAt && stats.lastPublishedAt
        ? { fromMs: Date.parse(stats.firstPublishedAt), toMs: Date.parse(stats.lastPublishedAt) }
        : undefined,
    skipped: [],
    close: () => store.close(),
  };
}
