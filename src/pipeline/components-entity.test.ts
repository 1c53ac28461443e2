// Issue 15.5: the long-running stages (run, score, backfill) load the entity model through this loader; it must
// give them the worker-thread scorer, whose encoder passes leave their event loop free.
import { afterEach, describe, expect, it } from 'vitest';
import type { EntitySentimentScorer } from '../core/entity-scorer.ts';
import { silentLogger } from '../core/logger.ts';
import { EntityWorkerScorer } from '../model/entity/entity-worker-scorer.ts';
import { entityScorerLoader } from './components.ts';

let scorer: EntitySentimentScorer | undefined;
afterEach(async () => {
  await scorer?.close();
  scorer = undefined;
});

describe('issue 15.5 — the stages’ entity scorer runs in a worker thread', () => {
  it('loads the entity model into a worker that scores each named company', async () => {
    scorer = await entityScorerLoader('wasm')('models/entity', silentLogger);
    expect(scorer).toBeInstanceOf(EntityWorkerScorer);
    const text = 'Tesla gains as Ford slips';
    const probs = await scorer.scoreEntities([
      { text, entities: [[{ start: 0, end: 5 }], [{ start: 15, end: 19 }]] },
    ]);
    expect(probs).toHaveLength(6);
    // Each company's three probabilities sum to one.
    const sums = [0, 3].map((row) => probs.slice(row, row + 3).reduce((a, b) => a + b, 0));
    expect(sums[0]).toBeCloseTo(1, 5);
    expect(sums[1]).toBeCloseTo(1, 5);
  }, 120_000);
});
