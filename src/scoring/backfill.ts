/**
 * Backfill: scores history in large batches straight into the store (no bus), overlapping the model's work
 * on one chunk with the store write of the previous one. Idempotent like the sink: re-running it, or
 * re-scoring with a new model, never double-counts (each model version is its own set of rows).
 */
import { appendAll } from '../core/append-all.ts';
import type { NewsItem, ScoredItem } from '../core/news.ts';
import type { WriteResult } from '../core/store.ts';
import { type EntityTally, entityTally } from './entity-scoring.ts';
import { type ScoringContext, scoreItems } from './score-items.ts';

export interface BackfillProgress {
  read: number;
  scored: number;
  failed: number;
  inserted: number;
  duplicates: number;
}

/** Entity scoring's part of the result: items that got entity scores, the scores, items whose call failed. */

export interface BackfillResult extends BackfillProgress {
  aborted: boolean;
  /** Absent when entity scoring is off. */
  entities?: EntityTally;
}

export interface BackfillOptions {
  chunks: AsyncIterable<readonly NewsItem[]>;
  scoring: ScoringContext;
  store: { writeScored(items: readonly ScoredItem[]): Promise<WriteResult> };
  /** Texts per model call. */
  batchSize: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: Readonly<BackfillProgress>) => void) | undefined;
  /** Items the model could not score are reported here (they are not written). */
  onFailed?: ((item: NewsItem, reason: string) => void) | undefined;
}

export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const progress: BackfillProgress = { read: 0, scored: 0, failed: 0, inserted: 0, duplicates: 0 };
  let pendingWrite: Promise<void> = Promise.resolve();
  const write = async (items: ScoredItem[]) => {
    const result = await options.store.writeScored(items);
    progress.inserted += result.inserted;
    progress.duplicates += result.duplicates;
    options.onProgress?.(progress);
  };
  let aborted = false;
  for await (const chunk of options.chunks) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    progress.read += chunk.length;
    const scored: ScoredItem[] = [];
    for (let start = 0; start < chunk.length; start += options.batchSize) {
      const batch = chunk.slice(start, start + options.batchSize);
      const outcome = await scoreItems(batch, options.scoring);
      appendAll(scored, outcome.scored);
      for (const { index, reason } of outcome.failed) {
        const item = batch[index];
        if (item) options.onFailed?.(item, reason);
      }
      progress.failed += outcome.failed.length;
    }
    progress.scored += scored.length;
    // One write in flight at a time: the next chunk is scored while this one is written.
    await pendingWrite;
    pendingWrite = write(scored);
    options.onProgress?.(progress);
  }
  await pendingWrite;
  const counters = options.scoring.entityScoring?.counters;
  if (counters === undefined) return { ...progress, aborted };
  return { ...progress, aborted, entities: entityTally(counters) };
}
