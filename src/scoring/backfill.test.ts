// Issue 15 item 5: backfill's result (what `bellwether backfill --json` prints) says how many items got entity
// scores and how many were stored without them because the entity scorer failed.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { LexiconEntityScorer } from '../../test/support/lexicon-entity-scorer.ts';
import { LexiconScorer } from '../../test/support/lexicon-scorer.ts';
import { newsItem } from '../../test/support/news.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { NewsItem } from '../core/news.ts';
import { createTopicMatcher } from '../topics/matcher.ts';
import { loadWatchlist } from '../topics/watchlist.ts';
import { backfill } from './backfill.ts';
import { EntityCounters } from './entity-scoring.ts';

const store = fileEmbeddedStore('bellwether-backfill-entities-');
const topics = createTopicMatcher({
  watchlist: loadWatchlist(fileURLToPath(new URL('../../config/watchlist.json', import.meta.url))),
});

const TITLES = ['Tesla gains as Ford slips', 'Intel beats AMD on margins', 'Markets drift'];
const chunk = (from: number): NewsItem[] => TITLES.map((title, i) => newsItem(from + i, { title }));

describe('issue 15 item 5 — backfill result counts entity scoring', () => {
  it('counts items with entity scores, and items left without them while the entity scorer was down', async () => {
    const entityScorer = new LexiconEntityScorer();
    async function* chunks() {
      yield chunk(0);
      entityScorer.down = true;
      yield chunk(10);
    }
    const result = await backfill({
      chunks: chunks(),
      scoring: {
        scorer: new LexiconScorer(),
        topics,
        clock: new ManualClock(Date.UTC(2026, 2, 3)),
        logger: silentLogger,
        entityScoring: {
          scorer: entityScorer,
          mentions: topics,
          mode: 'multi',
          maxPerItem: 8,
          counters: new EntityCounters(),
        },
      },
      store: store(),
      batchSize: 16,
    });
    expect(result).toMatchObject({ read: 6, scored: 6, inserted: 6, failed: 0 });
    // Two titles name two companies each; the third names none.
    expect(result.entities).toEqual({ items: 2, entities: 4, failedItems: 2 });
  });

  it('has no entities field when entity scoring is off', async () => {
    const result = await backfill({
      chunks: (async function* () {
        yield chunk(20);
      })(),
      scoring: {
        scorer: new LexiconScorer(),
        topics,
        clock: new ManualClock(Date.UTC(2026, 2, 3)),
        logger: silentLogger,
      },
      store: store(),
      batchSize: 16,
    });
    expect(result.scored).toBe(3);
    expect(result).not.toHaveProperty('entities');
  });
});
