import { afterEach, describe, expect, it } from 'vitest';
import { LexiconScorer } from '../../test/support/lexicon-scorer.ts';
import { newsItem } from '../../test/support/news.ts';
import { waitFor } from '../../test/support/wait.ts';
import { DEAD_LETTER_HEADERS } from '../bus/dead-letter.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import type { BusMessage } from '../core/bus.ts';
import { ManualClock } from '../core/clock.ts';
import { decodeScoredItem, encodeItem } from '../core/codec.ts';
import { silentLogger } from '../core/logger.ts';
import type { TopicExtractor } from './score-items.ts';
import { ScoreStage } from './score-stage.ts';

const topics: TopicExtractor = {
  match: (item) => [
    ...(item.title.includes('Acme')
      ? [{ kind: 'ticker' as const, key: 'ACME', relevance: 1 }]
      : []),
    { kind: 'source' as const, key: item.source, relevance: 1 },
  ],
};

/** A scorer that takes a while per batch and notes the most batches it was given at once. */
class SlowScorer extends LexiconScorer {
  inFlight = 0;
  mostInFlight = 0;
  override async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return await super.scoreBatch(texts);
    } finally {
      this.inFlight -= 1;
    }
  }
}

function setup(scorer = new LexiconScorer(), maxBatchSize = 64, concurrency = 1) {
  const bus = new MemoryBus(
    { partitions: 2, capacity: 1_000, topics: ['raw', 'scored', 'dlq'] },
    silentLogger,
  );
  const stage = new ScoreStage({
    bus,
    scorer,
    topics,
    inputTopic: 'raw',
    outputTopic: 'scored',
    dlqTopic: 'dlq',
    group: 'scorer',
    maxBatchSize,
    lingerMs: 5,
    concurrency,
    clock: new ManualClock(Date.UTC(2026, 2, 2, 16)),
    logger: silentLogger,
  });
  const scored: BusMessage[] = [];
  const dead: BusMessage[] = [];
  const collect = async () => {
    await bus.subscribe(
      { topic: 'scored', group: 'probe', maxBatchSize: 100, lingerMs: 1 },
      async (batch) => {
        scored.push(...batch);
      },
    );
    await bus.subscribe(
      { topic: 'dlq', group: 'probe', maxBatchSize: 100, lingerMs: 1 },
      async (batch) => {
        dead.push(...batch);
      },
    );
  };
  /** Connects, starts collecting the outputs, starts the stage, and stops it all after the test. */
  const run = async () => {
    cleanup = async () => {
      await stage.stop();
      await bus.close();
    };
    await bus.connect();
    await collect();
    await stage.start();
  };
  return { bus, stage, scorer, scored, dead, run };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('ScoreStage', () => {
  it('scores valid items with topics, and sends undecodable, invalid and poison items to the DLQ with reasons', async () => {
    const { bus, stage, scored, dead, run } = setup();
    await run();
    const valid = [
      newsItem(1, { title: 'Acme misses estimates as sales plunge' }),
      newsItem(2, { title: 'Acme beats estimates and raises guidance' }),
      newsItem(3, { title: 'Board meeting scheduled for Tuesday' }),
    ];
    await bus.publish('raw', [
      ...valid.map((item) => ({ key: item.id, value: encodeItem(item) })),
      { key: 'junk', value: Buffer.from('{not json') },
      { key: 'no-title', value: JSON.stringify({ ...newsItem(4), title: undefined }) },
      { key: 'poison', value: encodeItem(newsItem(5, { title: 'Acme POISON headline' })) },
    ]);
    await waitFor(() => scored.length === 3 && dead.length === 3, 5_000, 'scored and dead letters');

    const byId = new Map(
      scored.map((message) => [
        decodeScoredItem(message.value).id,
        decodeScoredItem(message.value),
      ]),
    );
    expect(byId.get('test-1')?.label).toBe('negative');
    expect(byId.get('test-2')?.label).toBe('positive');
    expect(byId.get('test-3')?.label).toBe('neutral');
    const first = byId.get('test-1');
    expect(first?.score).toBeCloseTo(0.05 - 0.8, 5);
    expect(first?.topics).toContainEqual({ kind: 'ticker', key: 'ACME', relevance: 1 });
    expect(first?.modelVersion).toBe('lexicon-1');
    expect(scored.find((m) => decodeScoredItem(m.value).id === 'test-1')?.key).toBe('ticker:ACME');

    const reasons = dead.map((message) => message.headers[DEAD_LETTER_HEADERS.error] ?? '');
    expect(reasons.some((reason) => /not JSON/.test(reason))).toBe(true);
    expect(reasons.some((reason) => /title/.test(reason))).toBe(true);
    expect(reasons.some((reason) => /scoring failed/.test(reason))).toBe(true);
    expect(dead.map((m) => m.key).sort()).toEqual(['junk', 'no-title', 'poison']);
    expect(stage.counters.snapshot()).toMatchObject({ received: 6, emitted: 3, deadLettered: 3 });
  });

  it('with concurrency 2 gives the model a second batch while the first is scored, and publishes every item once', async () => {
    const scorer = new SlowScorer();
    const { bus, stage, scored, run } = setup(scorer, 10, 2);
    await run();
    const items = Array.from({ length: 60 }, (_, n) => newsItem(n));
    await bus.publish(
      'raw',
      items.map((item) => ({ key: item.id, value: encodeItem(item) })),
    );
    await waitFor(() => stage.counters.received === 60, 5_000, 'all scored');
    await waitFor(() => scored.length === 60, 5_000, 'all published');
    expect(scorer.mostInFlight).toBe(2);
    const ids = scored.map((message) => decodeScoredItem(message.value).id);
    expect(new Set(ids).size).toBe(60);
    expect(stage.counters.snapshot()).toMatchObject({ received: 60, emitted: 60, deadLettered: 0 });
  });

  it('leaves the batch uncommitted while the model is down and scores it once it is back', async () => {
    const scorer = new LexiconScorer();
    scorer.down = true;
    const { bus, stage, scored, run } = setup(scorer);
    await run();
    const items = [1, 2, 3, 4].map((n) => newsItem(n));
    await bus.publish(
      'raw',
      items.map((item) => ({ key: item.id, value: encodeItem(item) })),
    );
    await waitFor(() => scorer.calls >= 6, 5_000, 'failed attempts');
    expect(scored).toHaveLength(0);
    expect(stage.counters.received).toBe(0);
    scorer.down = false;
    await waitFor(() => scored.length === 4, 10_000, 'scored after recovery');
    const ids = scored.map((message) => decodeScoredItem(message.value).id).sort();
    expect(ids).toEqual(['test-1', 'test-2', 'test-3', 'test-4']);
  });

  it('issue 14.8 — a poison item at batch size 1 is dead-lettered, not redelivered forever', async () => {
    const { bus, scorer, scored, dead, run } = setup(new LexiconScorer(), 1);
    await run();
    const poison = newsItem(7, { title: 'Acme POISON headline' });
    const after = newsItem(8, { title: 'Acme beats estimates' });
    await bus.publish('raw', [
      { key: poison.id, value: encodeItem(poison) },
      { key: after.id, value: encodeItem(after) },
    ]);
    await waitFor(() => dead.length === 1 && scored.length === 1, 5_000, 'poison dead-lettered');
    expect(dead[0]?.key).toBe(poison.id);
    expect(dead[0]?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/scoring failed: kernel rejected/);
    expect(decodeScoredItem(scored[0]?.value ?? Buffer.alloc(0)).id).toBe(after.id);
    // Two tries of the poison item and one probe of a known-good text, then the next item: no redelivery loop.
    expect(scorer.calls).toBe(4);
  });
});
