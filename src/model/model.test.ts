// The hybrid model on the wasm backend: a tiny one learns a generated task, and save → load predicts bit-identically.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { LABELS, type Label } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { type Example, seededRandom } from './dataset.ts';
import { loadModelDir, saveModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';
import { type TrainResult, trainModel } from './trainer.ts';

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

function generate(n: number, seed: number): Example[] {
  const random = seededRandom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? '';
  return Array.from({ length: n }, (_, i) => {
    const label = LABELS[i % 3] as Label;
    const words = Array.from({ length: 3 + Math.floor(random() * 5) }, () => pick(FILLER));
    words.splice(Math.floor(random() * words.length), 0, pick(WORDS[label]));
    return { text: words.join(' '), label, source: 'generated' };
  });
}

describe('hybrid model (wasm)', () => {
  let result: TrainResult;
  let dir: string;

  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
    dir = await mkdtemp(path.join(tmpdir(), 'bw-model-'));
    result = await trainModel(generate(240, 1), generate(90, 2), {
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
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('learns a generated task: loss falls and accuracy is far above chance', () => {
    const first = result.history[0];
    const last = result.history[result.history.length - 1];
    expect(first).toBeDefined();
    expect(last?.loss ?? Number.POSITIVE_INFINITY).toBeLessThan((first?.loss ?? 0) * 0.7);
    expect(result.validation.accuracy).toBeGreaterThan(0.8);
  });

  it('saves model.json + weights.bin and loads back with bit-identical predictions', async () => {
    const meta = {
      version: 'test-1',
      labels: LABELS,
      architecture: result.architecture,
      createdAt: 'now',
    };
    await saveModelDir(dir, result.model, result.tokenizer, meta);
    expect((await readdir(dir)).sort()).toEqual([
      'meta.json',
      'model.json',
      'tokenizer.json',
      'weights.bin',
    ]);
    const texts = generate(40, 3).map((e) => e.text);
    texts.push('', 'a text the tokenizer has never seen: $XYZ -4.2% https://x.example');
    const before = new Predictor(result.model, result.tokenizer, 16).predict(texts);
    const loaded = await loadModelDir(dir);
    const after = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
    ).predict(texts);
    expect(after.length).toBe(texts.length * 3);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    loaded.model.dispose();
  });
});
