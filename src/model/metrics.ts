/** Classification metrics from a confusion matrix: accuracy, per-class precision/recall/F1, macro-F1. */
import { LABELS, type Label } from './architecture.ts';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<Label, ClassMetrics>;
  /** confusion[true][predicted], rows and columns in LABELS order. */
  confusion: number[][];
}

export function confusionMatrix(
  truth: readonly number[],
  predicted: readonly number[],
  k = 3,
): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i] ?? 0;
    const row = m[t];
    if (row) row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

export function metricsFromConfusion(confusion: number[][]): EvalMetrics {
  const k = LABELS.length;
  let n = 0;
  let correct = 0;
  const perClass = {} as Record<Label, ClassMetrics>;
  let f1Sum = 0;
  for (let c = 0; c < k; c++) {
    const row = confusion[c] ?? [];
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, r) => a + (r[c] ?? 0), 0);
    n += support;
    correct += tp;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    f1Sum += f1;
    perClass[LABELS[c] as Label] = { precision, recall, f1, support };
  }
  return { n, accuracy: n === 0 ? 0 : correct / n, macroF1: f1Sum / k, perClass, confusion };
}

export function argmaxRows(probs: Float32Array, k = 3): number[] {
  const out: number[] = [];
  for (let i = 0; i < probs.length; i += k) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i + c] ?? 0) > (probs[i + best] ?? 0)) best = c;
    out.push(best);
  }
  return out;
}

export function labelIndex(label: Label): number {
  return LABELS.indexOf(label);
}
