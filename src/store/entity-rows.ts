/** Maps an item's entity sentiment to item_entities rows and reads them back onto stored items. */
import type { EntitySentiment, ScoredItem, SentimentLabel } from '../core/news.ts';
import type { SqlParams } from '../core/store.ts';
import { probsOf, publishedMinute, type ScoredItemRow, uniqueEntities } from './item-rows.ts';

export interface ItemEntityRow {
  model_version: string;
  minute: number;
  item_id: string;
  company: string;
  /** The entity's place in the item's list, so it reads back in the scorer's order. */
  position: number;
  ticker: string;
  mention: string;
  label: SentimentLabel;
  p_negative: number;
  p_neutral: number;
  p_positive: number;
  score: number;
  entity_model_version: string;
}

/** The item's item_entities rows: one per company it rated, none for an item without entities. */
export function toEntityRows(
  row: ScoredItemRow,
  entities: readonly EntitySentiment[] = [],
): ItemEntityRow[] {
  return uniqueEntities(entities).map((entity, position) => ({
    model_version: row.model_version,
    minute: row.published_at - (row.published_at % 60),
    item_id: row.id,
    company: entity.company,
    position,
    ticker: entity.ticker,
    mention: entity.mention,
    label: entity.label,
    p_negative: entity.probs.negative,
    p_neutral: entity.probs.neutral,
    p_positive: entity.probs.positive,
    score: entity.score,
    entity_model_version: entity.modelVersion,
  }));
}

/** A read query, as SqlEngine.select and Store.query both run one. */
export type SelectRows = <T>(sql: string, params?: SqlParams) => Promise<T[]>;

type RawEntityRow = Omit<ItemEntityRow, 'model_version' | 'minute' | 'position'> & {
  p_negative: number | string;
  p_neutral: number | string;
  p_positive: number | string;
  score: number | string;
};

/**
 * The entity rows of the given items, one per (item, company) however many copies are stored, in each item's
 * order. The minute bounds let the read use the table's key; the ids pick the items.
 */
const ENTITIES_SQL = `SELECT item_id, company, ticker, mention, label, p_negative, p_neutral, p_positive, score,
  entity_model_version
FROM item_entities
WHERE model_version = {mv:String}
  AND minute >= toDateTime({from:UInt32}) AND minute <= toDateTime({to:UInt32})
  AND item_id IN (SELECT arrayJoin({ids:Array(String)}))
ORDER BY item_id, position
LIMIT 1 BY item_id, company`;

function fromEntityRow(row: RawEntityRow): EntitySentiment {
  return {
    company: row.company,
    ticker: row.ticker,
    mention: row.mention,
    label: row.label,
    probs: probsOf(row),
    score: Number(row.score),
    modelVersion: row.entity_model_version,
  };
}

/**
 * Stored items with their entities set from item_entities, one query per model version among them (reads
 * return one). Items without entity rows are returned as they were, without the field.
 */
export async function withEntities(
  select: SelectRows,
  items: readonly ScoredItem[],
): Promise<ScoredItem[]> {
  const byVersion = new Map<string, ScoredItem[]>();
  for (const item of items) {
    const group = byVersion.get(item.modelVersion) ?? [];
    group.push(item);
    byVersion.set(item.modelVersion, group);
  }
  const found = new Map<string, EntitySentiment[]>();
  for (const [mv, group] of byVersion) {
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    for (const item of group) {
      const minute = publishedMinute(item.publishedAt);
      from = Math.min(from, minute);
      to = Math.max(to, minute);
    }
    const rows = await select<RawEntityRow>(ENTITIES_SQL, {
      mv,
      from,
      to,
      ids: group.map((item) => item.id),
    });
    for (const row of rows) {
      const key = `${mv}\u0000${row.item_id}`;
      const list = found.get(key) ?? [];
      list.push(fromEntityRow(row));
      found.set(key, list);
    }
  }
  return items.map((item) => {
    const entities = found.get(`${item.modelVersion}\u0000${item.id}`);
    return entities ? { ...item, entities } : item;
  });
}
