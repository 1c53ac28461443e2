// The polarity lexicon and how it reaches the model: inflected forms, whole-word tokens (seen in the
// training text or not), the prior's table, and a lexicon model that saves and loads back intact.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyArchitecture } from '../../test/support/tiny-architecture.ts';
import { silentLogger } from '../core/logger.ts';
import { buildModel, LABELS } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { lexiconWords, polarityOf, polarityTable } from './lexicon.ts';
import { loadModelDir, saveModelDir } from './model-files.ts';
import { Tokenizer, trainTokenizer } from './tokenizer.ts';

const corpus = [
  'Acme shares plunge after the profit warning',
  'Acme beats estimates and shares surge',
  'Acme schedules its annual meeting',
  'Globex holds board meeting on results date',
];

describe('polarity lexicon', () => {
  it('knows inflected forms and leaves ordinary words neutral', () => {
    expect(polarityOf('plunges')).toBe(-1);
    expect(polarityOf('slashed')).toBe(-1);
    expect(polarityOf('cutting')).toBe(-1);
    expect(polarityOf('upgraded')).toBe(1);
    expect(polarityOf('outperforms')).toBe(1);
    expect(polarityOf('meeting')).toBe(0);
    expect(polarityOf('acme')).toBe(0);
  });

  it('keeps every lexicon word whole in the tokenizer, even one the corpus never used', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: 600, wholeWords: lexiconWords() });
    expect(tokenizer.pieces('Acme delisted as losses mount')).toEqual(
      expect.arrayContaining(['delisted</w>', 'losses</w>']),
    );
    const table = polarityTable(tokenizer);
    const id = (word: string) => tokenizer.wordId(word) ?? -1;
    expect(table[id('delisted')]).toBe(-1);
    expect(table[id('surge')]).toBe(1);
    expect(table[id('acme')] ?? 0).toBe(0);
    const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(copy.encode('Acme delisted, shares slump', 16)).toEqual(
      tokenizer.encode('Acme delisted, shares slump', 16),
    );
  });
});

describe('model with the lexicon prior', () => {
  let dir: string;
  const tokenizer = trainTokenizer(corpus, { vocabSize: 600, wholeWords: lexiconWords() });
  const cfg = tinyArchitecture({ vocabSize: tokenizer.size, lexicon: true });

  beforeAll(async () => {
    await selectBackend('wasm', silentLogger);
    dir = await mkdtemp(path.join(tmpdir(), 'bw-lexicon-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the table as a frozen weight that loads back with the model', async () => {
    const model = buildModel(cfg, 0, polarityTable(tokenizer));
    const table = model.getLayer('polarity').getWeights()[0];
    expect(model.getLayer('polarity').trainableWeights).toHaveLength(0);
    expect(Array.from(table?.dataSync() ?? [])).toEqual(Array.from(polarityTable(tokenizer)));
    await saveModelDir(dir, model, tokenizer, {
      version: 'lexicon-test',
      labels: LABELS,
      architecture: cfg,
      createdAt: 'now',
    });
    const loaded = await loadModelDir(dir);
    const ids = tf.tensor2d([tokenizer.encode('Acme shares plunge, profit warning', 12)]);
    const before = (model.predict(ids) as tf.Tensor).dataSync();
    const after = (loaded.model.predict(ids) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(loaded.tokenizer).toBeInstanceOf(Tokenizer);
    expect((loaded.tokenizer as Tokenizer).wholeWords.length).toBe(lexiconWords().length);
  });

  it('gives a cue word a different prediction than the same text without a cue', () => {
    const model = buildModel(cfg, 0, polarityTable(tokenizer));
    const empty = buildModel(cfg, 0, new Float32Array(tokenizer.size));
    const ids = tf.tensor2d([tokenizer.encode('Acme shares plunge', 12)]);
    const withCue = (model.predict(ids) as tf.Tensor).dataSync();
    const withoutCue = (empty.predict(ids) as tf.Tensor).dataSync();
    expect(Math.abs((withCue[0] ?? 0) - (withoutCue[0] ?? 0))).toBeGreaterThan(1e-6);
  });
});
