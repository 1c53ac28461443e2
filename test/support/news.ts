/** Builders of valid NewsItems and ScoredItems for tests, with overridable fields. */
import type { NewsItem, ScoredItem } from '../../src/core/news.ts';

export function newsItem(n: number, overrides: Partial<NewsItem> = {}): NewsItem {
  const publishedAt = new Date(Date.UTC(2026, 2, 2, 14, 0) + n * 60_000).toISOString();
  return {
    id: `test-${n}`,
    source: 'testwire',
    title: `Headline number ${n}`,
    publishedAt,
    fetchedAt: publishedAt,
    ...overrides,
  };
}

export function scoredItem(n: number, overrides: Partial<ScoredItem> = {}): ScoredItem {
  const label =
    overrides.label ?? (n % 3 === 0 ? 'negative' : n % 3 === 1 ? 'neutral' : 'positive');
  const probs =
    label === 'negative'
      ? { negative: 0.8, neutral: 0.15, positive: 0.05 }
      : label === 'positive'
        ? { negative: 0.05, neutral: 0.15, positive: 0.8 }
        : { negative: 0.1, neutral: 0.8, positive: 0.1 };
  return {
    ...newsItem(n),
    modelVersion: 'test-model',
    label,
    probs,
    score: probs.positive - probs.negative,
    topics: [
      { kind: 'ticker', key: 'ACME', relevance: 1 },
      { kind: 'source', key: 'testwire', relevance: 1 },
    ],
    scoredAt: new Date(Date.UTC(2026, 2, 2, 15)).toISOString(),
    ...overrides,
  };
}
