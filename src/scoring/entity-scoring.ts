/**
 * Per-company sentiment for a scored batch: the titles that name enough watchlist companies go to the
 * entity scorer in one call, and each such item gets one EntitySentiment per company. It is an addition
 * to the headline score, never a condition for it: if the entity scorer fails, the items go on without
 * entities (a warning and a count), so no item is lost or dead-lettered for it.
 */
import type { EntityQuery, EntitySentimentScorer } from '../core/entity-scorer.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { EntitySentiment, ScoredItem } from '../core/news.ts';
import type { CompanyMention } from '../topics/company-mentions.ts';
import { sentimentAt } from './probabilities.ts';

export interface CompanyMentionFinder {
  companyMentions(title: string): CompanyMention[];
}

/** Running counts, read by tests, benches and the metrics. */
export class EntityCounters {
  /** Items that got entity scores. */
  items = 0;
  /** Entity scores attached. */
  entities = 0;
  /** Scorer calls that failed; their items went on with the headline score alone. */
  failedCalls = 0;
  /** Items left without entity scores because the call failed. */
  failedItems = 0;
}

/** What a run reports of entity scoring: items with scores, scores attached, items left without. */
export type EntityTally = Pick<EntityCounters, 'items' | 'entities' | 'failedItems'>;

/** The counters' tally as a plain object (undefined when entity scoring is off). */
export function entityTally(counters: EntityCounters | undefined): EntityTally | undefined {
  if (!counters) return undefined;
  const { items, entities, failedItems } = counters;
  return { items, entities, failedItems };
}

/** Which titles get entity scores, for how many companies, from which scorer. */
export interface EntityScoringRules {
  scorer: EntitySentimentScorer;
  mentions: CompanyMentionFinder;
  /** multi: titles naming two or more companies; always: any title naming one. */
  mode: 'multi' | 'always';
  /** Companies per item at most, in order of first mention. */
  maxPerItem: number;
}

export interface EntityScoring extends EntityScoringRules {
  counters: EntityCounters;
  /** Called after a failed call with the number of items it left without entities (for metrics). */
  onFailure?: ((items: number) => void) | undefined;
}

const MAX_MENTION = 256;

/** The companies of one title that get scores: none when the mode asks for more than it names. */
function mentionsToScore(title: string, ctx: EntityScoringRules): CompanyMention[] {
  const mentions = ctx.mentions.companyMentions(title);
  const least = ctx.mode === 'multi' ? 2 : 1;
  return mentions.length >= least ? mentions.slice(0, ctx.maxPerItem) : [];
}

function toEntity(
  title: string,
  mention: CompanyMention,
  rows: Float32Array,
  row: number,
  modelVersion: string,
): EntitySentiment {
  const first = mention.spans[0];
  const text = first ? title.slice(first.start, first.end) : mention.company;
  return {
    company: mention.company,
    ticker: mention.ticker,
    mention: text.slice(0, MAX_MENTION),
    ...sentimentAt(rows, row),
    modelVersion,
  };
}

/**
 * Per-company sentiment for each title, in one scorer call: undefined for a title that does not qualify.
 * Throws when the scorer fails or answers with the wrong number of rows.
 */
export async function entitySentiments(
  titles: readonly string[],
  ctx: EntityScoringRules,
): Promise<(EntitySentiment[] | undefined)[]> {
  const mentions = titles.map((title) => mentionsToScore(title, ctx));
  const queries: EntityQuery[] = [];
  titles.forEach((text, i) => {
    const found = mentions[i] ?? [];
    if (found.length > 0) queries.push({ text, entities: found.map((m) => m.spans) });
  });
  if (queries.length === 0) return titles.map(() => undefined);
  const expected = queries.reduce((sum, q) => sum + q.entities.length, 0);
  const rows = await ctx.scorer.scoreEntities(queries);
  if (rows.length !== expected * 3) {
    throw new Error(`returned ${rows.length} values for ${expected} entities (expected 3 each)`);
  }
  let row = 0;
  return titles.map((title, i) => {
    const found = mentions[i] ?? [];
    if (found.length === 0) return undefined;
    return found.map((m) => toEntity(title, m, rows, row++, ctx.scorer.modelVersion));
  });
}

/** Sets `entities` on the items (in place) whose titles qualify; one scorer call for the lot. */
export async function attachEntities(
  items: readonly ScoredItem[],
  ctx: EntityScoring,
  logger: Logger,
): Promise<void> {
  let results: (EntitySentiment[] | undefined)[];
  try {
    results = await entitySentiments(
      items.map((item) => item.title),
      ctx,
    );
  } catch (error) {
    const left = items.filter((item) => mentionsToScore(item.title, ctx).length > 0).length;
    ctx.counters.failedCalls += 1;
    ctx.counters.failedItems += left;
    ctx.onFailure?.(left);
    logger.warn(
      { error: describeError(error), items: left },
      'entity scoring failed; items keep the headline score only',
    );
    return;
  }
  items.forEach((item, i) => {
    const entities = results[i];
    if (!entities) return;
    item.entities = entities;
    ctx.counters.items += 1;
    ctx.counters.entities += entities.length;
  });
}
