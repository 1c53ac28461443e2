/** Maps scored items to scored_items and topic_items rows and back; the one place that knows their column layout. */
import type {
  EntitySentiment,
  ScoredItem,
  SentimentLabel,
  SentimentProbs,
  TopicKind,
  TopicMention,
} from '../core/news.ts';

/** DateTime is unsigned 32-bit seconds: instants outside it are clamped rather than rejected. */
const MAX_DATETIME_S = 0xffff_ffff;

export function clampSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) return 0;
  return Math.min(Math.floor(seconds), MAX_DATETIME_S);
}

function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_DATETIME_S * 1000) : 0;
}

/** The start (DateTime seconds) of the minute an item was published in: the rollup's and item_entities' grain. */
export function publishedMinute(publishedAt: string): number {
  const seconds = clampSeconds(instantMs(publishedAt) / 1000);
  return seconds - (seconds % 60);
}

export interface ScoredItemRow {
  id: string;
  model_version: string;
  source: string;
  url: string;
  title: string;
  summary: string;
  lang: string;
  published_at: number;
  published_ms: number;
  fetched_ms: number;
  scored_at: number;
  scored_ms: number;
  label: SentimentLabel;
  p_negative: number;
  p_neutral: number;
  p_positive: number;
  score: number;
  topic_kinds: TopicKind[];
  topic_keys: string[];
  topic_relevance: number[];
  has_url: number;
  has_summary: number;
  has_lang: number;
  /** '' for an item stored without a story: it counts as a story of its own. */
  story_id: string;
  first_of_story: number;
  story_items_1h: number;
  story_items_24h: number;
}

/**
 * One mention per (kind, key), keeping the highest relevance: a topic named twice in one item must
 * count once in the rollup.
 */
export function uniqueTopics(topics: readonly TopicMention[]): TopicMention[] {
  const byKey = new Map<string, TopicMention>();
  for (const topic of topics) {
    const id = `${topic.kind}\u0000${topic.key}`;
    const seen = byKey.get(id);
    if (!seen || (topic.relevance ?? 1) > (seen.relevance ?? 1)) byKey.set(id, topic);
  }
  return [...byKey.values()];
}

export function toRow(item: ScoredItem): ScoredItemRow {
  const topics = uniqueTopics(item.topics);
  const publishedMs = instantMs(item.publishedAt);
  const scoredMs = instantMs(item.scoredAt);
  return {
    id: item.id,
    model_version: item.modelVersion,
    source: item.source,
    url: item.url ?? '',
    title: item.title,
    summary: item.summary ?? '',
    lang: item.lang ?? '',
    published_at: clampSeconds(publishedMs / 1000),
    published_ms: publishedMs,
    fetched_ms: instantMs(item.fetchedAt),
    scored_at: clampSeconds(scoredMs / 1000),
    scored_ms: scoredMs,
    label: item.label,
    p_negative: item.probs.negative,
    p_neutral: item.probs.neutral,
    p_positive: item.probs.positive,
    score: item.score,
    topic_kinds: topics.map((t) => t.kind),
    topic_keys: topics.map((t) => t.key),
    topic_relevance: topics.map((t) => t.relevance ?? 1),
    has_url: item.url === undefined ? 0 : 1,
    has_summary: item.summary === undefined ? 0 : 1,
    has_lang: item.lang === undefined ? 0 : 1,
    story_id: item.story?.storyId ?? '',
    first_of_story: item.story?.firstOfStory ? 1 : 0,
    story_items_1h: item.story?.storyItems1h ?? 0,
    story_items_24h: item.story?.storyItems24h ?? 0,
  };
}

export interface TopicItemRow {
  model_version: string;
  kind: TopicKind;
  key: string;
  minute: number;
  item_id: string;
  published_at: number;
  relevance: number;
  label: SentimentLabel;
  score: number;
  source: string;
  story_id: string;
}

/**
 * One entity per company, the first the scorer gave: item_entities keeps a row per company, and the rollup
 * must read the same entity the table holds.
 */
export function uniqueEntities(entities: readonly EntitySentiment[] = []): EntitySentiment[] {
  const byCompany = new Map<string, EntitySentiment>();
  for (const entity of entities) {
    if (!byCompany.has(entity.company)) byCompany.set(entity.company, entity);
  }
  return [...byCompany.values()];
}

/**
 * The entity whose sentiment a topic rolls up instead of the headline's: the company topic by its name, the
 * ticker topic by its ticker. Other kinds (sector, source, keyword) are about the whole headline.
 */
export function entityForTopic(
  kind: TopicKind,
  key: string,
  entities: readonly EntitySentiment[],
): EntitySentiment | undefined {
  if (kind === 'company') return entities.find((e) => e.company === key);
  if (kind === 'ticker') return entities.find((e) => e.ticker === key);
  return undefined;
}

/**
 * The item's topic_items rows: one per topic mentioned, in the minute it was published, with the headline's
 * label and score, or the entity's for the company and ticker topics of an entity the scorer rated.
 */
export function toTopicRows(
  row: ScoredItemRow,
  entities: readonly EntitySentiment[] = [],
): TopicItemRow[] {
  const rated = uniqueEntities(entities);
  return row.topic_kinds.map((kind, i) => {
    const key = row.topic_keys[i] ?? '';
    const entity = entityForTopic(kind, key, rated);
    return {
      model_version: row.model_version,
      kind,
      key,
      minute: row.published_at - (row.published_at % 60),
      item_id: row.id,
      published_at: row.published_at,
      relevance: row.topic_relevance[i] ?? 1,
      label: entity?.label ?? row.label,
      score: entity?.score ?? row.score,
      source: row.source,
      story_id: row.story_id,
    };
  });
}

/** The columns fromRow reads, in the order queries select them. */
export const ITEM_COLUMNS =
  'id, model_version, source, url, title, summary, lang, published_ms, fetched_ms, scored_ms, label, ' +
  'p_negative, p_neutral, p_positive, score, topic_kinds, topic_keys, topic_relevance, has_url, ' +
  'has_summary, has_lang, story_id, first_of_story, story_items_1h, story_items_24h';

/** A row as the engines return it: 64-bit integers may be strings, flags may be numbers or strings. */
export type RawItemRow = {
  [K in keyof ScoredItemRow]: ScoredItemRow[K] extends number ? number | string : ScoredItemRow[K];
};

function isoOf(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

/** Probabilities from the p_* columns both item tables have, as the engines return them. */
export function probsOf(row: {
  p_negative: number | string;
  p_neutral: number | string;
  p_positive: number | string;
}): SentimentProbs {
  return {
    negative: Number(row.p_negative),
    neutral: Number(row.p_neutral),
    positive: Number(row.p_positive),
  };
}

export function fromRow(row: RawItemRow): ScoredItem {
  const topics: TopicMention[] = row.topic_kinds.map((kind, i) => ({
    kind,
    key: row.topic_keys[i] ?? '',
    relevance: Number(row.topic_relevance[i] ?? 1),
  }));
  const item: ScoredItem = {
    id: row.id,
    source: row.source,
    title: row.title,
    publishedAt: isoOf(row.published_ms),
    fetchedAt: isoOf(row.fetched_ms),
    modelVersion: row.model_version,
    label: row.label,
    probs: probsOf(row),
    score: Number(row.score),
    topics,
    scoredAt: isoOf(row.scored_ms),
  };
  if (Number(row.has_url) === 1) item.url = row.url;
  if (Number(row.has_summary) === 1) item.summary = row.summary;
  if (Number(row.has_lang) === 1) item.lang = row.lang;
  if (row.story_id !== '') {
    item.story = {
      storyId: row.story_id,
      firstOfStory: Number(row.first_of_story) === 1,
      storyItems1h: Number(row.story_items_1h),
      storyItems24h: Number(row.story_items_24h),
    };
  }
  return item;
}
