// The entity head on a tiny random encoder: it learns to read the sentiment of the marked entity (which a
// reader blind to the mark cannot), and a saved entity model loads back beside its encoder to the same
// scores, refusing an encoder of another version.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_ENCODER, tinyEncoderWeights } from '../../../test/support/tiny-encoder.ts';
import { createLogger } from '../../core/logger.ts';
import { seededRandom } from '../../core/random.ts';
import { type AccurateConfig, buildAccurateModel } from '../accurate/architecture.ts';
import { LABELS } from '../architecture.ts';
import { argmaxRows } from '../metrics.ts';
import { saveModelDir } from '../model-files.ts';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';
import { EncoderStates } from './encoder-states.ts';
import type { EntityMeta } from './entity-model-files.ts';
import { predictRows } from './entity-rows.ts';
import { createEntityScorer } from './entity-scorer.ts';
import { findMentions } from './entity-spans.ts';
import { type EntityTrainOptions, type LabelledRow, trainEntityHead } from './entity-train.ts';

const WORDS = ['[PAD]', '[CLS]', '[SEP]', 'alpha', 'beta', 'flat', 'x', 'up', 'down', '[UNK]'];
const TOKENIZER_JSON = {
  normalizer: { type: 'BertNormalizer', lowercase: true, clean_text: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  model: {
    type: 'WordPiece',
    unk_token: '[UNK]',
    vocab: Object.fromEntries(WORDS.map((w, i) => [w, i])),
  },
  added_tokens: [
    { id: 1, content: '[CLS]', normalized: false },
    { id: 2, content: '[SEP]', normalized: false },
  ],
};
const tokenizer = WordPieceInput.fromJson(TOKENIZER_JSON, 'tiny tokenizer');
const ENCODER = { ...TINY_ENCODER, hidden: 8, intermediate: 16, maxPositions: 8 };
const CONFIG: AccurateConfig = {
  kind: 'accurate',
  encoderId: 'tiny',
  encoder: ENCODER,
  maxLen: 8,
  lstmUnits: 4,
  dropout: 0,
};
const CUES = { up: 2, down: 0, flat: 1 } as const;

/** "alpha up beta down": each entity takes the cue after it; in two of three texts the two disagree. */
function headlines(n: number, seed: number): { text: string; labels: [number, number] }[] {
  const random = seededRandom(seed);
  const cues = Object.keys(CUES) as (keyof typeof CUES)[];
  return Array.from({ length: n }, () => {
    const a = cues[Math.floor(random() * 3)] ?? 'flat';
    const b = cues[Math.floor(random() * 3)] ?? 'flat';
    const [first, second] = random() < 0.5 ? ['alpha', 'beta'] : ['beta', 'alpha'];
    const labels: [number, number] = first === 'alpha' ? [CUES[a], CUES[b]] : [CUES[b], CUES[a]];
    return { text: `x ${first} ${a} ${second} ${b}`, labels };
  });
}

const OPTIONS: EntityTrainOptions = {
  fromLayer: 1,
  encoderRate: 0.003,
  lstmUnits: 8,
  dropout: 0,
  epochs: 12,
  batchSize: 16,
  rate: 0.02,
  warmupFraction: 0.05,
  weightDecay: 0,
  patience: 12,
  labelSmoothing: 0,
  classWeightPower: 0,
  seed: 5,
};

function rowsOf(set: { text: string; labels: [number, number] }[], offset: number): LabelledRow[] {
  const counter = { contentLength: (t: string) => tokenizer.encode(t, 99).length };
  return set.flatMap((h, i) =>
    (['alpha', 'beta'] as const).map((name, k) => {
      const spans = findMentions(h.text, name);
      const from = counter.contentLength(h.text.slice(0, spans[0]?.start ?? 0));
      return { text: offset + i, positions: [from + 1], label: h.labels[k] ?? 1 };
    }),
  );
}

describe('entity head', () => {
  const model = buildAccurateModel(CONFIG, tinyEncoderWeights(ENCODER, 11));
  const train = headlines(240, 1);
  const held = headlines(60, 2);
  const framed = [...train, ...held].map((h) => tokenizer.encodeFramed(h.text, CONFIG.maxLen));
  const states = new EncoderStates(model, CONFIG).encodeAll(framed, 32);
  const trainRows = rowsOf(train, 0);
  const heldRows = rowsOf(held, train.length);
  const result = trainEntityHead(states, trainRows, heldRows, { model, encoder: ENCODER }, OPTIONS);

  it('reads the marked entity: held-out entities whose headline disagrees are mostly right', () => {
    const predicted = argmaxRows(predictRows(result.head, states, heldRows, ENCODER.hidden));
    const disagreeing = heldRows.flatMap((row, i) => {
      const pair = held[Math.floor(i / 2)]?.labels ?? [1, 1];
      return pair[0] === pair[1] ? [] : [predicted[i] === row.label ? 1 : 0];
    });
    const accuracy = disagreeing.reduce<number>((a, b) => a + b, 0) / disagreeing.length;
    // A head blind to which entity is asked about gives both entities of a text one label: at most half right.
    expect(disagreeing.length).toBeGreaterThan(30);
    expect(accuracy).toBeGreaterThan(0.85);
  });

  it('saves beside its encoder and loads back to the same scores; another encoder version is refused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bw-entity-model-'));
    const encoderDir = path.join(dir, 'accurate');
    const entityDir = path.join(dir, 'entity');
    await saveModelDir(encoderDir, model, tokenizer, {
      version: 'accurate-tiny',
      labels: LABELS,
      architecture: CONFIG,
      tokenizer: 'wordpiece',
      createdAt: '2026-12-05T00:00:00Z',
    });
    const meta: EntityMeta = {
      version: 'entity-tiny',
      labels: LABELS,
      architecture: result.architecture,
      encoder: { dir: '../accurate', version: 'accurate-tiny', maxLen: CONFIG.maxLen },
      createdAt: '2026-12-05T00:00:00Z',
    };
    await saveModelDir(entityDir, result.head, undefined, meta);
    const logger = createLogger({ level: 'silent', pretty: false });
    const scorer = await createEntityScorer({ dir: entityDir, backend: 'cpu', logger });
    const queries = held.slice(0, 10).map((h) => ({
      text: h.text,
      entities: [findMentions(h.text, 'alpha'), findMentions(h.text, 'beta')],
    }));
    const loaded = await scorer.scoreEntities(queries);
    await scorer.close();
    const direct = predictRows(result.head, states, heldRows.slice(0, 20), ENCODER.hidden);
    expect(loaded.length).toBe(60);
    for (let i = 0; i < 60; i++) expect(loaded[i]).toBeCloseTo(direct[i] ?? -1, 5);

    await writeFile(
      path.join(entityDir, 'meta.json'),
      JSON.stringify({ ...meta, encoder: { ...meta.encoder, version: 'accurate-other' } }),
    );
    await expect(createEntityScorer({ dir: entityDir, backend: 'cpu', logger })).rejects.toThrow(
      /trained on encoder accurate-other but .* holds accurate-tiny/,
    );
  });
});
