/**
 * Scores a batch of items in one model call and attaches topics. If the model rejects the batch, items are
 * scored one by one to isolate the poison ones; if every item fails alone too and the model's health check
 * (a known-good text) fails as well, the model itself is down and the error is thrown (retriable) instead of
 * blaming the data. Then, when entity scoring is on, the per-company scores (entity-scoring.ts). Shared by
 * the scoring stage and backfill.
 */
import type { Clock } from '../core/clock.ts';
import { describeError, ServiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { NewsItem, ScoredItem, TopicMention } from '../core/news.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { attachEntities, type EntityScoring } from './entity-scoring.ts';
import { itemText } from './item-text.ts';
import { sentimentAt } from './probabilities.ts';

export interface TopicExtractor {
  match(item: Pick<NewsItem, 'title' | 'summary' | 'source'>): TopicMention[];
}

export interface ScoringContext {
  scorer: SentimentScorer;
  topics: TopicExtractor;
  clock: Clock;
  logger: Logger;
  /** Per-company sentiment after the headline scores; absent when entity scoring is off. */
  entityScoring?: EntityScoring | undefined;
}

export interface ScoreOutcome {
  scored: ScoredItem[];
  /** Items the model could not score, by their index in the input. */
  failed: { index: number; reason: string }[];
}

function toScored(
  item: NewsItem,
  rows: Float32Array,
  row: number,
  ctx: ScoringContext,
  scoredAt: string,
  topics: TopicMention[] = ctx.topics.match(item),
): ScoredItem {
  const { label, probs, score } = sentimentAt(rows, row);
  return {
    ...item,
    modelVersion: ctx.scorer.modelVersion,
    label,
    probs,
    score,
    topics,
    scoredAt,
  };
}

/** Every item's topics, or undefined when matching throws for one: then each is matched again alone. */
function matchAll(
  items: readonly NewsItem[],
  topics: TopicExtractor,
): TopicMention[][] | undefined {
  try {
    return items.map((item) => topics.match(item));
  } catch {
    return undefined;
  }
}

/** The model's answer as a promise even when the scorer throws before returning one. */
function startScoring(scorer: SentimentScorer, texts: readonly string[]): Promise<Float32Array> {
  try {
    return scorer.scoreBatch(texts);
  } catch (error) {
    return Promise.reject(error);
  }
}

export async function scoreItems(
  items: readonly NewsItem[],
  ctx: ScoringContext,
): Promise<ScoreOutcome> {
  const outcome = await scoreHeadlines(items, ctx);
  if (ctx.entityScoring && outcome.scored.length > 0) {
    await attachEntities(outcome.scored, ctx.entityScoring, ctx.logger);
  }
  return outcome;
}

async function scoreHeadlines(
  items: readonly NewsItem[],
  ctx: ScoringContext,
): Promise<ScoreOutcome> {
  if (items.length === 0) return { scored: [], failed: [] };
  const texts = items.map((item) => itemText(item.title, item.summary));
  const scoredAt = new Date(ctx.clock.now()).toISOString();
  // The model scores in worker threads: matching topics meanwhile takes the main thread's share of the
  // batch off the path the next batch waits on.
  const pending = startScoring(ctx.scorer, texts);
  const topics = matchAll(items, ctx.topics);
  try {
    const rows = await pending;
    return {
      scored: items.map((item, index) =>
        toScored(item, rows, index, ctx, scoredAt, topics?.[index]),
      ),
      failed: [],
    };
  } catch (batchError) {
    ctx.logger.warn({ error: describeError(batchError) }, 'batch scoring failed; isolating items');
  }
  const scored: ScoredItem[] = [];
  const failed: ScoreOutcome['failed'] = [];
  let lastError: unknown;
  for (const [index, item] of items.entries()) {
    try {
      const rows = await ctx.scorer.scoreBatch([texts[index] ?? '']);
      scored.push(toScored(item, rows, 0, ctx, scoredAt));
    } catch (error) {
      lastError = error;
      failed.push({ index, reason: `scoring failed: ${describeError(error)}` });
    }
  }
  if (scored.length === 0) {
    // Every item failed alone too: either the model is down (retry the batch later) or the items are bad.
    // A known-good text tells them apart; without it a lone poison item would be redelivered forever.
    const health = await ctx.scorer.healthcheck().catch((error: unknown) => ({
      ok: false,
      detail: describeError(error),
    }));
    if (!health.ok) {
      throw new ServiceError(
        'scorer',
        `model failed on every item of the batch and on a known-good text (${health.detail}): ${describeError(lastError)}`,
        { cause: lastError },
      );
    }
  }
  return { scored, failed };
}
