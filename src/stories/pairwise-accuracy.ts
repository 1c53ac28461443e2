/** Scores a story assignment against ground truth by pairs of items: precision, recall, and merged hard negatives. */

export interface AssignedItem {
  /** Ground-truth story. */
  truth: string;
  /** The detector's story. */
  predicted: string;
  /** Items sharing a group but not a true story are hard negatives (same company, same day). */
  group: string;
}

export interface PairwiseAccuracy {
  precision: number;
  recall: number;
  /** Hard-negative pairs the detector put in one story, over all hard-negative pairs. */
  hardNegativesMerged: number;
  hardNegativePairs: number;
}

function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

function pairsWithin(items: readonly AssignedItem[], key: (item: AssignedItem) => string): number {
  const sizes = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    sizes.set(k, (sizes.get(k) ?? 0) + 1);
  }
  let total = 0;
  for (const n of sizes.values()) total += pairs(n);
  return total;
}

/** Counted from cluster sizes, not by enumerating pairs, so a large set costs linear time. */
export function pairwiseAccuracy(items: readonly AssignedItem[]): PairwiseAccuracy {
  const truePairs = pairsWithin(items, (i) => i.truth);
  const predictedPairs = pairsWithin(items, (i) => i.predicted);
  const bothPairs = pairsWithin(items, (i) => `${i.truth}\u0000${i.predicted}`);
  // Hard negatives: same group, different truth. Merged ones: also the same prediction.
  const groupPairs = pairsWithin(items, (i) => i.group);
  const groupTruthPairs = pairsWithin(items, (i) => `${i.group}\u0000${i.truth}`);
  const groupPredictedPairs = pairsWithin(items, (i) => `${i.group}\u0000${i.predicted}`);
  const groupBothPairs = pairsWithin(
    items,
    (i) => `${i.group}\u0000${i.truth}\u0000${i.predicted}`,
  );
  const hardNegativePairs = groupPairs - groupTruthPairs;
  return {
    precision: predictedPairs === 0 ? 1 : bothPairs / predictedPairs,
    recall: truePairs === 0 ? 1 : bothPairs / truePairs,
    hardNegativesMerged:
      hardNegativePairs === 0 ? 0 : (groupPredictedPairs - groupBothPairs) / hardNegativePairs,
    hardNegativePairs,
  };
}
