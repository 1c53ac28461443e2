// The small hybrid's card: a distilled fast model is judged by issue 13's targets and credits the pretrained
// weights it owes something to; a model learned from scratch keeps issue 3's targets and credits none.
import { describe, expect, it } from 'vitest';
import { type CardInput, renderCard } from './card.ts';
import type { DistillRecord } from './distill/distill-set.ts';
import { metricsFromConfusion } from './metrics.ts';

const architecture = {
  maxLen: 48,
  dim: 96,
  blocks: 1,
  heads: 4,
  ffDim: 192,
  lstmUnits: 48,
  fusion: 'gate' as const,
  hidden: 96,
  dropout: 0.3,
  ngramBuckets: 8192,
  ngramDim: 32,
  lexicon: true,
  vocabSize: 12000,
};

/** 0.85 accuracy and about 0.84 macro-F1: past the accuracy target of both issues. */
const validation = metricsFromConfusion([
  [80, 15, 5],
  [5, 180, 15],
  [5, 15, 80],
]);

const distillation: DistillRecord = {
  teacher: 'accurate',
  teacherVersion: 'accurate-69f39aa4765f',
  temperature: 2,
  weight: 0.7,
  trainingTexts: 100,
  transfer: { files: [], texts: 0, droppedValidation: 0, droppedDuplicates: 0 },
  augment: { perText: 0, texts: 0 },
  swapWords: { perText: 2, texts: 200, encoder: 'e5-small-v2-q' },
  fragments: { perText: 2, texts: 190 },
  cached: [],
};

function input(extra: Partial<CardInput>): CardInput {
  return {
    name: 'default',
    version: 'default-0123456789ab',
    architecture,
    parameters: 1_574_474,
    sizeBytes: 6_300_000,
    training: { seed: 42 },
    dataFiles: ['twitter-financial-news/train.csv'],
    split: {
      seed: 42,
      fraction: 0.15,
      train: { 'a/negative': 10 },
      validation: { 'a/negative': 2 },
    },
    validation,
    history: [{ member: 1, epoch: 1, loss: 0.5, valAccuracy: 0.85, valMacroF1: 0.83 }],
    memberMetrics: [validation],
    seconds: 600,
    backend: 'tensorflow',
    command: 'bellwether train …',
    ...extra,
  };
}

describe('issue 13 — the fast model’s card', () => {
  it('judges a distilled model by the fast model’s targets and credits the encoder its embeddings and swaps came from', () => {
    const card = renderCard(
      input({ distillation, training: { seed: 42, embedInit: 'e5-small-v2-q' } }),
    );
    expect(card).toContain('Targets set for the distilled fast model (issue 13)');
    expect(card).toContain('| accuracy ≥ 0.84 | met |');
    expect(card).toContain('| macro-F1 ≥ 0.82 | met |');
    expect(card).not.toContain('issue 3');
    expect(card).toContain('## Pretrained parts');
    expect(card).toContain("Token embeddings initialised from e5-small-v2-q's");
    expect(card).toContain("Word-swap variants of the training texts drawn from e5-small-v2-q's");
    expect(card).toContain('Soft labels from the teacher `accurate-69f39aa4765f`');
    expect(card).toContain('200 word-swap variants (2 per training text');
    expect(card).toContain('190 fragments (2 per training text');
    // One credit for the one encoder, with its licence, and the pointer to NOTICE.
    expect(card.match(/Licence: MIT License/g)).toHaveLength(1);
    expect(card).toContain('see NOTICE');
    expect(card).toContain('## Speed');
  });

  it('keeps issue 3’s targets and credits nothing for a model learned from scratch', () => {
    const card = renderCard(input({}));
    expect(card).toContain('Targets set for this model (issue 3)');
    expect(card).toContain('| accuracy ≥ 0.85 | met |');
    expect(card).not.toContain('Pretrained parts');
    expect(card).not.toContain('NOTICE');
  });
});
