/** The general-purpose lexicon baseline (VADER): compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral. */
import type { Baseline } from './baseline.ts';

interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

export class VaderBaseline implements Baseline {
  readonly name = 'vader';

  async fit(): Promise<void> {}

  async predict(texts: readonly string[]): Promise<Float32Array> {
    const specifier: string = 'vader-sentiment';
    const mod = (await import(specifier)) as VaderModule & { default?: VaderModule };
    const analyzer = (mod.default ?? mod).SentimentIntensityAnalyzer;
    const out = new Float32Array(texts.length * 3);
    texts.forEach((text, i) => {
      const c = analyzer.polarity_scores(text).compound;
      out[i * 3 + (c >= 0.05 ? 2 : c <= -0.05 ? 0 : 1)] = 1;
    });
    return out;
  }
}
