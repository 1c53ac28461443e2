/** The result shape every reader returns: kept items, how many entries were rejected, and what went wrong. */
import type { NewsItem } from '../../core/news.ts';
import { type NormalizeContext, normalizeEntry, type RawEntry } from './normalize.ts';
import type { IngestProblem } from './problems.ts';

export interface IngestBatch {
  items: NewsItem[];
  /** Ids of kept items that had no usable date (their publishedAt is the fetch time). */
  undatedIds: string[];
  rejected: number;
  problems: IngestProblem[];
}

export const emptyBatch = (): IngestBatch => ({
  items: [],
  undatedIds: [],
  rejected: 0,
  problems: [],
});

/** Normalizes one entry into `batch`, recording its problems and counting a rejection. */
export function addEntry(batch: IngestBatch, raw: RawEntry, context: NormalizeContext): void {
  const result = normalizeEntry(raw, context);
  for (const problem of result.problems) batch.problems.push(problem);
  if (!result.ok) {
    batch.rejected += 1;
    return;
  }
  batch.items.push(result.item);
  if (!result.dated) batch.undatedIds.push(result.item.id);
}
