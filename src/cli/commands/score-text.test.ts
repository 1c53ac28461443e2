// Issue 15.5: `bellwether score-text --entities` prints each company's sentiment beside the text's.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli.ts';
import { LexiconEntityScorer } from '../../../test/support/lexicon-entity-scorer.ts';
import { entitySentiments } from '../../scoring/entity-scoring.ts';
import { createTopicMatcher } from '../../topics/matcher.ts';
import { loadWatchlist } from '../../topics/watchlist.ts';
import { renderScored } from './score-text-output.ts';

const matcher = createTopicMatcher({
  watchlist: loadWatchlist(
    fileURLToPath(new URL('../../../config/watchlist.json', import.meta.url)),
  ),
});
const rules = {
  scorer: new LexiconEntityScorer(),
  mentions: matcher,
  mode: 'always' as const,
  maxPerItem: 8,
};
// Headline rows as the sentiment model gives them: neutral, then positive.
const headline = Float32Array.from([0.2, 0.7, 0.1, 0.1, 0.2, 0.7]);

describe('score-text output', () => {
  it('prints the per-company sentiment beside the headline’s, rounded like it', async () => {
    const texts = ['Tesla gains as Ford slips', 'Stocks drift before the Fed decision'];
    const perCompany = await entitySentiments(texts, rules);
    const lines = texts.map((text, i) =>
      JSON.parse(
        renderScored(i === 0 ? { text, id: 7 } : { text }, headline, i, perCompany[i] ?? []),
      ),
    );
    expect(lines[0]).toEqual({
      id: 7,
      text: 'Tesla gains as Ford slips',
      label: 'neutral',
      probs: { negative: 0.2, neutral: 0.7, positive: 0.1 },
      score: -0.1,
      entities: [
        {
          company: 'Tesla',
          ticker: 'TSLA',
          mention: 'Tesla',
          label: 'positive',
          probs: { negative: 0.05, neutral: 0.15, positive: 0.8 },
          score: 0.75,
        },
        {
          company: 'Ford',
          ticker: 'F',
          mention: 'Ford',
          label: 'negative',
          probs: { negative: 0.8, neutral: 0.15, positive: 0.05 },
          score: -0.75,
        },
      ],
    });
    // A text naming no company says so, with an empty list.
    expect(lines[1]).toMatchObject({ label: 'positive', entities: [] });
  });

  it('prints no entities field without --entities (the output is as before)', () => {
    expect(JSON.parse(renderScored({ text: 'Tesla gains' }, headline, 1))).toEqual({
      text: 'Tesla gains',
      label: 'positive',
      probs: { negative: 0.1, neutral: 0.2, positive: 0.7 },
      score: 0.6,
    });
  });
});

describe('bellwether score-text --entities', () => {
  it('exits 2 (a config problem) before loading any model when the entity model is missing, naming it and how to do without', async () => {
    const run = await runCli([
      'score-text',
      '--entities',
      '--entity-model',
      'models/no-such-entity',
      'Tesla gains as Ford slips',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no entity model directory at models\/no-such-entity/);
    expect(run.stderr).toMatch(/leave out --entities to score the texts alone/);
  }, 60_000);
});

describe('bellwether score-text --entities with the shipped entity model (models/entity)', () => {
  it('reads opposite fortunes of two companies in one headline, whichever comes first', async () => {
    const run = await runCli([
      'score-text',
      '--entities',
      'Tesla gains as Ford slips',
      'Ford slumps as Tesla jumps',
      'Stocks drift',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { label: string; entities: { ticker: string; label: string }[] },
      );
    expect(lines.map((line) => line.entities.map((e) => [e.ticker, e.label]))).toEqual([
      [
        ['TSLA', 'positive'],
        ['F', 'negative'],
      ],
      [
        ['F', 'negative'],
        ['TSLA', 'positive'],
      ],
      [],
    ]);
    // The headline keeps its own single label beside them.
    expect(lines.every((line) => typeof line.label === 'string')).toBe(true);
  }, 120_000);
});
