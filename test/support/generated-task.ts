/**
 * A generated three-class task a tiny hybrid learns in seconds (one cue word per text among filler), and the
 * training options that learn it: for tests that need a trained model rather than a shipped one.
 */

import { seededRandom } from '../../src/core/random.ts';
import { LABELS, type Label } from '../../src/model/architecture.ts';
import type { Example } from '../../src/model/dataset.ts';
import type { TrainOptions } from '../../src/model/trainer.ts';

const WORDS: Record<Label, string[]> = {
  negative: ['plunge', 'slump', 'loss', 'downgrade', 'warning', 'fraud', 'cut', 'weak'],
  neutral: ['meeting', 'schedule', 'announces', 'board', 'date', 'files', 'report', 'holds'],
  positive: ['surge', 'record', 'profit', 'upgrade', 'beat', 'strong', 'rally', 'growth'],
};
const FILLER = [
  'acme',
  'shares',
  'the',
  'company',
  'on',
  'after',
  'quarter',
  'market',
  'says',
  'in',
];

/** n texts, labels in turn, each 3–7 filler words with one cue word of its label somewhere among them. */
export function generateTask(n: number, seed: number): Example[] {
  const random = seededRandom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? '';
  return Array.from({ length: n }, (_, i) => {
    const label = LABELS[i % 3] as Label;
    const words = Array.from({ length: 3 + Math.floor(random() * 5) }, () => pick(FILLER));
    words.splice(Math.floor(random() * words.length), 0, pick(WORDS[label]));
    return { text: words.join(' '), label, source: 'generated' };
  });
}

/** A 16-wide hybrid and settings that learn the task to above 0.8 accuracy in 4 epochs. */
export function generatedTaskOptions(overrides: Partial<TrainOptions> = {}): TrainOptions {
  return {
    architecture: {
      maxLen: 16,
      dim: 16,
      blocks: 1,
      heads: 2,
      ffDim: 32,
      lstmUnits: 8,
      fusion: 'gate',
      hidden: 16,
      dropout: 0.1,
      ngramBuckets: 64,
      ngramDim: 8,
    },
    vocabSize: 120,
    epochs: 4,
    batchSize: 16,
    learningRate: 0.01,
    patience: 4,
    labelSmoothing: 0,
    classWeightPower: 0.5,
    seed: 7,
    ...overrides,
  };
}
