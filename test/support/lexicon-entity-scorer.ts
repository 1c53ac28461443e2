/**
 * A test double for the EntitySentimentScorer port: reads the few words right after each mention of an
 * entity against word lists, so "Infosys gains as Wipro slips" is positive for Infosys and negative for
 * Wipro. Stage tests get obvious expected labels without the neural model; it can be told to fail.
 */
import type { EntityQuery, EntitySentimentScorer } from '../../src/core/entity-scorer.ts';

const NEGATIVE = new Set([
  'slips',
  'slides',
  'falls',
  'plunges',
  'misses',
  'recalls',
  'cuts',
  'loses',
]);
const POSITIVE = new Set(['gains', 'beats', 'rises', 'surges', 'jumps', 'raises', 'wins', 'tops']);
/** Words after the mention that are read: enough for "X shares slip", not so many as to reach the next company. */
const WINDOW = 2;

const ROWS = {
  negative: [0.8, 0.15, 0.05],
  neutral: [0.1, 0.8, 0.1],
  positive: [0.05, 0.15, 0.8],
} as const;

function labelAfter(text: string, end: number): keyof typeof ROWS {
  const words =
    text
      .slice(end)
      .toLowerCase()
      .match(/[a-z]+/g) ?? [];
  for (const word of words.slice(0, WINDOW)) {
    if (NEGATIVE.has(word)) return 'negative';
    if (POSITIVE.has(word)) return 'positive';
  }
  return 'neutral';
}

export class LexiconEntityScorer implements EntitySentimentScorer {
  readonly modelVersion: string;
  readonly backend = 'test-lexicon';
  /** When set, every call fails (the entity model is down). */
  down = false;
  /** Every call's queries, in order. */
  readonly calls: (readonly EntityQuery[])[] = [];

  constructor(modelVersion = 'entity-lexicon-1') {
    this.modelVersion = modelVersion;
  }

  async scoreEntities(queries: readonly EntityQuery[]): Promise<Float32Array> {
    this.calls.push(queries);
    if (this.down) throw new Error('entity model unavailable');
    const total = queries.reduce((sum, q) => sum + q.entities.length, 0);
    const rows = new Float32Array(total * 3);
    let row = 0;
    for (const { text, entities } of queries) {
      for (const spans of entities) {
        // The first mention that says something decides, as a reader would take the clearest one.
        const labels = spans.map((span) => labelAfter(text, span.end));
        rows.set(ROWS[labels.find((l) => l !== 'neutral') ?? 'neutral'], row * 3);
        row++;
      }
    }
    return rows;
  }

  async close(): Promise<void> {}
}
