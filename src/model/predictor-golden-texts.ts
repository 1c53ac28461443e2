/** The texts whose probabilities pin a model's inference path (bench/model-golden.ts, predictor-golden.test.ts). */
import { syntheticHeadlines } from './synthetic-texts.ts';

/** Lengths from empty to several windows, so every padding length, group split and window pooling is covered. */
const HAND_WRITTEN = [
  '',
  'Acme',
  'Acme shares surge to a record high after profit beats estimates',
  '$ACME -12% as regulators open a fraud probe; CEO resigns https://example.com/x',
  'Lender cuts guidance, warns of default on $2.5 billion debt',
  'Fed holds rates steady',
  Array.from({ length: 40 }, (_, i) =>
    i % 2 === 0 ? 'losses widen and sales plunge' : 'the company raises guidance',
  ).join(' '),
];

/** 300 synthetic headlines and the hand-written texts above, in a fixed order (more than one 256-row group). */
export function goldenTexts(tokenizer: { vocab: readonly string[] }): string[] {
  return [...HAND_WRITTEN, ...syntheticHeadlines(tokenizer, 300, 7)];
}
