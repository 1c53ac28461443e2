/** A multinomial Naive Bayes over word unigrams and bigrams (after the model's pre-tokenizer), with Laplace smoothing. */
import { LABELS } from '../architecture.ts';
import type { Example } from '../dataset.ts';
import { labelIndex } from '../metrics.ts';
import { pretokenize } from '../pretokenize.ts';
import type { Baseline } from './baseline.ts';

export function ngrams(text: string): string[] {
  const words = pretokenize(text);
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  return out;
}

export class NaiveBayesBaseline implements Baseline {
  readonly name = 'naive-bayes';
  private logPrior: number[] = [];
  private counts = new Map<string, number[]>();
  private totals: number[] = [];
  private vocabSize = 1;

  constructor(private readonly alpha = 1) {}

  async fit(train: readonly Example[]): Promise<void> {
    const k = LABELS.length;
    const docs = new Array<number>(k).fill(0);
    this.totals = new Array<number>(k).fill(0);
    this.counts = new Map();
    for (const e of train) {
      const c = labelIndex(e.label);
      docs[c] = (docs[c] ?? 0) + 1;
      for (const g of ngrams(e.text)) {
        let row = this.counts.get(g);
        if (!row) {
          row = new Array<number>(k).fill(0);
          this.counts.set(g, row);
        }
        row[c] = (row[c] ?? 0) + 1;
        this.totals[c] = (this.totals[c] ?? 0) + 1;
      }
    }
    this.vocabSize = Math.max(1, this.counts.size);
    this.logPrior = docs.map((d) => Math.log((d + 1) / (train.length + k)));
  }

  async predict(texts: readonly string[]): Promise<Float32Array> {
    const k = LABELS.length;
    const out = new Float32Array(texts.length * k);
    texts.forEach((text, i) => {
      const scores = [...this.logPrior];
      for (const g of ngrams(text)) {
        const row = this.counts.get(g);
        if (!row) continue;
        for (let c = 0; c < k; c++) {
          const denom = (this.totals[c] ?? 0) + this.alpha * this.vocabSize;
          scores[c] = (scores[c] ?? 0) + Math.log(((row[c] ?? 0) + this.alpha) / denom);
        }
      }
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) out[i * k + c] = (exps[c] ?? 0) / sum;
    });
    return out;
  }
}
