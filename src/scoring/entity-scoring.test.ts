// Issue 15.5: the scorer adds per-company sentiment to titles naming watchlist companies, in one entity
// call per batch, and an entity-scorer failure never costs an item.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/support/capture-logger.ts';
import { LexiconEntityScorer } from '../../test/support/lexicon-entity-scorer.ts';
import { LexiconScorer } from '../../test/support/lexicon-scorer.ts';
import { newsItem } from '../../test/support/news.ts';
import { waitFor } from '../../test/support/wait.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import type { BusMessage } from '../core/bus.ts';
import { ManualClock } from '../core/clock.ts';
import { decodeScoredItem, encodeItem } from '../core/codec.ts';
import { type Logger, silentLogger } from '../core/logger.ts';
import type { NewsItem, ScoredItem } from '../core/news.ts';
import { createTopicMatcher } from '../topics/matcher.ts';
import { loadWatchlist } from '../topics/watchlist.ts';
import { EntityCounters, type EntityScoring } from './entity-scoring.ts';
import { scoreItems } from './score-items.ts';
import { ScoreStage } from './score-stage.ts';

const matcher = createTopicMatcher({
  watchlist: loadWatchlist(fileURLToPath(new URL('../../config/watchlist.json', import.meta.url))),
});

function entityScoring(
  mode: EntityScoring['mode'],
  scorer = new LexiconEntityScorer(),
  maxPerItem = 8,
): EntityScoring & { scorer: LexiconEntityScorer } {
  return { scorer, mentions: matcher, mode, maxPerItem, counters: new EntityCounters() };
}

const context = (
  entities: EntityScoring,
  logger: Logger = silentLogger,
  scorer = new LexiconScorer(),
) => ({
  scorer,
  topics: matcher,
  clock: new ManualClock(Date.UTC(2026, 2, 2, 16)),
  logger,
  entityScoring: entities,
});

const byId = (scored: readonly ScoredItem[]) => new Map(scored.map((item) => [item.id, item]));

const TWO_FORTUNES = 'Tesla gains as Ford slips';
const ONE_COMPANY = 'Apple beats estimates';
const NONE = 'Stocks drift before the Fed decision';

describe('scoreItems with entity scoring', () => {
  it('multi: scores only the titles naming two or more companies, in one call, with label, score, mention and version', async () => {
    const entities = entityScoring('multi');
    const items = [
      newsItem(1, { title: TWO_FORTUNES }),
      newsItem(2, { title: ONE_COMPANY }),
      newsItem(3, { title: NONE }),
      newsItem(4, { title: 'Ford beats estimates; Tesla recalls 2 million cars' }),
    ];
    const { scored, failed } = await scoreItems(items, context(entities));
    expect(failed).toEqual([]);
    expect(entities.scorer.calls).toHaveLength(1);
    expect(entities.scorer.calls[0]?.map((q) => q.text)).toEqual([
      items[0]?.title,
      items[3]?.title,
    ]);

    const out = byId(scored);
    expect(out.get('test-1')?.entities).toEqual([
      {
        company: 'Tesla',
        ticker: 'TSLA',
        mention: 'Tesla',
        label: 'positive',
        probs: {
          negative: expect.closeTo(0.05, 5),
          neutral: expect.closeTo(0.15, 5),
          positive: expect.closeTo(0.8, 5),
        },
        score: expect.closeTo(0.75, 5),
        modelVersion: 'entity-lexicon-1',
      },
      expect.objectContaining({
        company: 'Ford',
        ticker: 'F',
        mention: 'Ford',
        label: 'negative',
        score: expect.closeTo(-0.75, 5),
      }),
    ]);
    expect(out.get('test-4')?.entities?.map((e) => [e.ticker, e.label])).toEqual([
      ['F', 'positive'],
      ['TSLA', 'negative'],
    ]);
    // The headline keeps its own score beside the entities'.
    expect(out.get('test-4')?.modelVersion).toBe('lexicon-1');
    expect(out.get('test-2')?.entities).toBeUndefined();
    expect(out.get('test-3')?.entities).toBeUndefined();
    expect(entities.counters).toMatchObject({ items: 2, entities: 4, failedCalls: 0 });
  });

  it('always: a title naming one company is scored too; maxPerItem keeps the first mentioned', async () => {
    const entities = entityScoring('always', new LexiconEntityScorer(), 2);
    const items = [
      newsItem(1, { title: ONE_COMPANY }),
      newsItem(2, { title: NONE }),
      newsItem(3, { title: 'Ford slips, Tesla gains, Apple jumps' }),
    ];
    const { scored } = await scoreItems(items, context(entities));
    const out = byId(scored);
    expect(out.get('test-1')?.entities?.map((e) => [e.ticker, e.label])).toEqual([
      ['AAPL', 'positive'],
    ]);
    expect(out.get('test-2')?.entities).toBeUndefined();
    expect(out.get('test-3')?.entities?.map((e) => e.ticker)).toEqual(['F', 'TSLA']);
    // The scorer was asked for those two only, with every span of each.
    expect(entities.scorer.calls[0]?.[1]?.entities).toEqual([
      [{ start: 0, end: 4 }],
      [{ start: 12, end: 17 }],
    ]);
  });

  it('still makes one entity call when poison items were isolated one by one', async () => {
    const entities = entityScoring('multi');
    const items = [
      newsItem(1, { title: TWO_FORTUNES }),
      newsItem(2, { title: 'Tesla POISON headline' }),
      newsItem(3, { title: 'Ford gains, Tesla slides' }),
    ];
    const { scored, failed } = await scoreItems(items, context(entities));
    expect(failed.map((f) => f.index)).toEqual([1]);
    expect(entities.scorer.calls).toHaveLength(1);
    expect(scored.every((item) => item.entities?.length === 2)).toBe(true);
  });

  it('on an entity-scorer failure returns every item scored without entities, with a warning and a count', async () => {
    const scorer = new LexiconEntityScorer();
    scorer.down = true;
    const entities = entityScoring('multi', scorer);
    const failures: number[] = [];
    entities.onFailure = (n) => failures.push(n);
    const { logger, lines } = captureLogger('warn');
    const items = [newsItem(1, { title: TWO_FORTUNES }), newsItem(2, { title: ONE_COMPANY })];
    const { scored, failed } = await scoreItems(items, context(entities, logger));
    expect(failed).toEqual([]);
    expect(scored.map((item) => [item.id, item.label, item.entities])).toEqual([
      ['test-1', 'neutral', undefined],
      ['test-2', 'positive', undefined],
    ]);
    expect(entities.counters).toMatchObject({ items: 0, failedCalls: 1, failedItems: 1 });
    expect(failures).toEqual([1]);
    const warning = lines.find((line) => /entity scoring failed/.test(line.msg));
    expect(warning?.error).toMatch(/entity model unavailable/);
  });

  it('treats an answer of the wrong size as a failure rather than misattributing scores', async () => {
    const scorer = new LexiconEntityScorer();
    scorer.scoreEntities = async () => new Float32Array(3);
    const entities = entityScoring('multi', scorer);
    const { scored } = await scoreItems([newsItem(1, { title: TWO_FORTUNES })], context(entities));
    expect(scored[0]?.entities).toBeUndefined();
    expect(entities.counters.failedCalls).toBe(1);
  });
});

describe('ScoreStage with entity scoring', () => {
  async function runBatch(entities: EntityScoring, items: NewsItem[]) {
    const bus = new MemoryBus(
      { partitions: 1, capacity: 100, topics: ['raw', 'scored', 'dlq'] },
      silentLogger,
    );
    await bus.connect();
    const stage = new ScoreStage({
      ...context(entities),
      bus,
      inputTopic: 'raw',
      outputTopic: 'scored',
      dlqTopic: 'dlq',
      group: 'scorer',
      maxBatchSize: 64,
      lingerMs: 5,
    });
    const batch: BusMessage[] = items.map((item, offset) => ({
      topic: 'raw',
      partition: 0,
      offset: String(offset),
      key: item.id,
      value: encodeItem(item),
      headers: {},
    }));
    const published: ScoredItem[] = [];
    const dead: BusMessage[] = [];
    await bus.subscribe(
      { topic: 'scored', group: 'probe', maxBatchSize: 100, lingerMs: 1 },
      async (m) => {
        published.push(...m.map((x) => decodeScoredItem(x.value)));
      },
    );
    await bus.subscribe(
      { topic: 'dlq', group: 'probe', maxBatchSize: 100, lingerMs: 1 },
      async (m) => {
        dead.push(...m);
      },
    );
    await stage.handle(batch);
    await waitFor(() => published.length === items.length, 5_000, 'scored items published');
    await bus.close();
    return { published, dead, stage };
  }

  it('publishes the entities on the scored item (they survive the codec)', async () => {
    const { published } = await runBatch(entityScoring('multi'), [
      newsItem(1, { title: TWO_FORTUNES }),
    ]);
    expect(published[0]?.entities?.map((e) => [e.company, e.label])).toEqual([
      ['Tesla', 'positive'],
      ['Ford', 'negative'],
    ]);
  });

  it('publishes every item and dead-letters none when the entity scorer is down', async () => {
    const scorer = new LexiconEntityScorer();
    scorer.down = true;
    const items = [
      newsItem(1, { title: TWO_FORTUNES }),
      newsItem(2, { title: 'Ford gains, Tesla slides' }),
    ];
    const { published, dead, stage } = await runBatch(entityScoring('multi', scorer), items);
    expect(published.map((item) => [item.id, item.entities])).toEqual([
      ['test-1', undefined],
      ['test-2', undefined],
    ]);
    expect(dead).toEqual([]);
    expect(stage.counters.snapshot()).toMatchObject({ received: 2, emitted: 2, deadLettered: 0 });
  });
});
