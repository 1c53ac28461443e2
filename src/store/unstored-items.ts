/** Which items of a batch the store does not hold yet: the write path's one duplicate check, per (id, model version). */
import { itemIdAliases } from '../core/item-id.ts';
import type { ScoredItem } from '../core/news.ts';
import type { SqlEngine } from './sql-engine.ts';

const keyOf = (modelVersion: string, id: string): string => `${modelVersion}\u0000${id}`;

/**
 * The first copy of each item in `items`, less those already stored. An item also counts as stored under
 * the id the other id scheme gives it, when the stored row has the same source: the cut-over to
 * source-scoped ids must not store (and count) an item a second time (src/ingest/README.md, "Item ids").
 */
export async function unstoredItems(
  engine: SqlEngine,
  items: readonly ScoredItem[],
): Promise<ScoredItem[]> {
  const fresh = new Map<string, ScoredItem>();
  const ids = new Set<string>();
  /** (model version, alias, source) → the key of the batch item that alias belongs to. */
  const aliasOwners = new Map<string, string>();
  for (const item of items) {
    const key = keyOf(item.modelVersion, item.id);
    const aliases = itemIdAliases(item.id, item.source);
    const copy =
      fresh.has(key) ||
      aliases.some((alias) => fresh.get(keyOf(item.modelVersion, alias))?.source === item.source);
    if (copy) continue;
    fresh.set(key, item);
    ids.add(item.id);
    for (const alias of aliases) {
      ids.add(alias);
      aliasOwners.set(`${keyOf(item.modelVersion, alias)}\u0000${item.source}`, key);
    }
  }
  // Across batches and restarts: one query for the ids (and aliases) of this batch already stored.
  const stored = await engine.select<{ id: string; model_version: string; source: string }>(
    `SELECT DISTINCT id, model_version, source FROM scored_items
     WHERE id IN (SELECT arrayJoin({ids:Array(String)}))`,
    { ids: [...ids] },
  );
  for (const row of stored) {
    const key = keyOf(row.model_version, row.id);
    fresh.delete(key);
    const owner = aliasOwners.get(`${key}\u0000${row.source}`);
    if (owner !== undefined) fresh.delete(owner);
  }
  return [...fresh.values()];
}
