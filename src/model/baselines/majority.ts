/** The majority-class baseline: always predicts the training split's most frequent label. */
import { LABELS } from '../architecture.ts';
import type { Example } from '../dataset.ts';
import type { Baseline } from './baseline.ts';

export class MajorityBaseline implements Baseline {
  readonly name = 'majority';
  private label = 1;

  async fit(train: readonly Example[]): Promise<void> {
    const counts = LABELS.map((l) => train.filter((e) => e.label === l).length);
    this.label = counts.indexOf(Math.max(...counts));
  }

  async predict(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * 3);
    for (let i = 0; i < texts.length; i++) out[i * 3 + this.label] = 1;
    return out;
  }
}
