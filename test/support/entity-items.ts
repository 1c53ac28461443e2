/** Scored items with per-company sentiment for the store and API tests: "Tesla slumps as Ford gains" and kin. */
import type { EntitySentiment, ScoredItem, TopicMention } from '../../src/core/news.ts';

export const TESLA_TOPICS: TopicMention[] = [
  { kind: 'ticker', key: 'TSLA', relevance: 1 },
  { kind: 'company', key: 'Tesla', relevance: 1 },
];
export const FORD_TOPICS: TopicMention[] = [
  { kind: 'ticker', key: 'F', relevance: 1 },
  { kind: 'company', key: 'Ford', relevance: 1 },
];

/** The sentiment toward one company; its label follows the score's sign. */
export function entitySentiment(company: string, ticker: string, score: number): EntitySentiment {
  const negative = score < 0;
  return {
    company,
    ticker,
    mention: company,
    label: negative ? 'negative' : 'positive',
    probs: negative
      ? { negative: 0.85, neutral: 0.1, positive: 0.05 }
      : { negative: 0.05, neutral: 0.15, positive: 0.8 },
    score,
    modelVersion: 'entity-test-1',
  };
}

/** A scored item published at `atMs`, with the fields given (label, score and topics at least). */
export function entityTestItem(
  id: string,
  modelVersion: string,
  atMs: number,
  fields: Pick<ScoredItem, 'title' | 'label' | 'score' | 'topics'> & Partial<ScoredItem>,
): ScoredItem {
  return {
    id,
    source: 'entity-wire',
    url: `https://news.example/${encodeURIComponent(id)}`,
    publishedAt: new Date(atMs).toISOString(),
    fetchedAt: new Date(atMs + 1_000).toISOString(),
    modelVersion,
    probs: { negative: 0.3, neutral: 0.4, positive: 0.3 },
    scoredAt: new Date(atMs + 2_000).toISOString(),
    ...fields,
  };
}

/** A near-neutral headline (+0.05) that is bad for Tesla (-0.8) and good for Ford (+0.7). */
export function teslaSlumpsFordGains(
  id: string,
  modelVersion: string,
  atMs: number,
  extraTopics: TopicMention[] = [],
): ScoredItem {
  return entityTestItem(id, modelVersion, atMs, {
    title: 'Tesla slumps as Ford gains',
    label: 'neutral',
    score: 0.05,
    topics: [...TESLA_TOPICS, ...FORD_TOPICS, ...extraTopics],
    entities: [entitySentiment('Tesla', 'TSLA', -0.8), entitySentiment('Ford', 'F', 0.7)],
  });
}
