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

export interface EntityScoring {
  scorer: EntitySentimentScorer;
  mentions: CompanyMentionFinder;
  /** multi: titles naming two or more companies; always: any title naming one. */
  mode: 'multi' | 'always';
  /** Companies per item at most, in order of first mention. */
  maxPerItem: number;
  counters: EntityCounters;
  /** Called after a failed call with the number of items it left without entities (for metrics). */
  onFailure?: ((items: number) => void) | undefined;
}

const MAX_MENTION = 256;

interface Pending {
  item: ScoredItem;
  mentions: CompanyMention[];
}

function qualifying(items: readonly ScoredItem[], ctx: EntityScoring): Pending[] {
  const least = ctx.mode === 'multi' ? 2 : 1;
  const out: Pending[] = [];
  for (const item of items) {
    const mentions = ctx.mentions.companyMentions(item.title);
    if (mentions.length >= least) out.push({ item, mentions: mentions.slice(0, ctx.maxPerItem) });
  }
  return out;
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

/** Sets `entities` on the items (in place) whose titles qualify; one scorer call for the lot. */
export async function attachEntities(
  items: readonly ScoredItem[],
  ctx: EntityScoring,
  logger: Logger,
): Promise<void> {
  const pending = qualifying(items, ctx);
  if (pending.length === 0) return;
  const queries: EntityQuery[] = pending.map(({ item, mentions }) => ({
    text: item.title,
    entities: mentions.map((m) => m.spans),
  }));
  const expected = pending.reduce((sum, p) => sum + p.mentions.length, 0);
  let rows: Float32Array;
  try {
    rows = await ctx.scorer.scoreEntities(queries);
    if (rows.length !== expected * 3) {
      throw new Error(`returned ${rows.length} values for ${expected} entities (expected 3 each)`);
    }
  } catch (error) {
    ctx.counters.failedCalls += 1;
    ctx.counters.failedItems += pending.length;
    ctx.onFailure?.(pending.length);
    logger.warn(
      { error: describeError(error), items: pending.length },
      'entity scoring failed; items keep the headline score only',
    );
    return;
  }
  let row = 0;
  for (const { item, mentions } of pending) {
    item.entities = mentions.map((mention) =>
      toEntity(item.title, mention, rows, row++, ctx.scorer.modelVersion),
    );
    ctx.counters.items += 1;
    ctx.counters.entities += mentions.length;
  }
}
