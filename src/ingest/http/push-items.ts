/** A pushed JSON body (one object or an array) → items to publish and per-index rejections, like JSONL lines. */
import type { NewsItem } from '../../core/news.ts';
import { recordToRawEntry } from '../common/jsonl.ts';
import { normalizeEntry } from '../common/normalize.ts';

export const DEFAULT_PUSH_SOURCE = 'http-push';

export interface PushOutcome {
  items: NewsItem[];
  /** Index of each accepted item in the request. */
  indexes: number[];
  rejected: Array<{ index: number; reason: string }>;
  /** Kept items that were changed on the way (no date, title from summary, summary cut). */
  warnings: Array<{ index: number; message: string }>;
}

export function itemsFromPush(records: readonly unknown[], fetchedAt: string): PushOutcome {
  const outcome: PushOutcome = { items: [], indexes: [], rejected: [], warnings: [] };
  records.forEach((record, index) => {
    const raw = recordToRawEntry(record);
    if (!raw.ok) {
      outcome.rejected.push({ index, reason: raw.reason });
      return;
    }
    const result = normalizeEntry(raw.raw, {
      source: DEFAULT_PUSH_SOURCE,
      fetchedAt,
      where: `item ${index}`,
    });
    if (!result.ok) {
      outcome.rejected.push({ index, reason: result.reason });
      return;
    }
    outcome.items.push(result.item);
    outcome.indexes.push(index);
    for (const problem of result.problems)
      outcome.warnings.push({ index, message: problem.message });
  });
  return outcome;
}
