// The hybrid model on wasm — and on native TensorFlow when it is provisioned (npm run setup:native): a tiny one
// learns a generated task, save → load predicts bit-identically, and the shipped model predicts the same
// probabilities on both backends.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTaskOptions, generateTask } from '../../test/support/generated-task.ts';
import { silentLogger } from '../core/logger.ts';
import { LABELS } from './architecture.ts';
import { selectBackend } from './backend.ts';
import { loadModelDir, saveModelDir } from './model-files.ts';
import { loadNativeBackend } from './native-backend.ts';
import { Predictor } from './predictor.ts';
import { type TrainResult, trainModel } from './trainer.ts';

const native = await loadNativeBackend('tensorflow');
const backends = native.ok ? (['wasm', 'tensorflow'] as const) : (['wasm'] as const);

describe.each(backends)('hybrid model (%s)', (backend) => {
  let result: TrainResult;
  let dir: string;

  beforeAll(async () => {
    await selectBackend(backend, silentLogger);
    dir = await mkdtemp(path.join(tmpdir(), 'bw-model-'));
    result = await trainModel(generateTask(240, 1), generateTask(90, 2), generatedTaskOptions());
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
    const texts = generateTask(40, 3).map((e) => e.text);
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

describe.skipIf(!native.ok)('shipped model on both backends', () => {
  it('predicts the same probabilities on tensorflow as on wasm (within 1e-4)', async () => {
    const texts = [
      ...generateTask(30, 9).map((e) => e.text),
      'Tesla ($TSLA) shares plunge 8% as recall widens',
      'Apple beats estimates and raises guidance; stock up 4.2%',
    ];
    const predictOn = async (name: 'wasm' | 'tensorflow') => {
      await selectBackend(name, silentLogger);
      const loaded = await loadModelDir('models/default');
      const rows = new Predictor(
        loaded.model,
        loaded.tokenizer,
        loaded.meta.architecture.maxLen,
      ).predict(texts);
      loaded.model.dispose();
      return rows;
    };
    const onWasm = await predictOn('wasm');
    const onNative = await predictOn('tensorflow');
    expect(onNative.length).toBe(texts.length * 3);
    const largest = onWasm.reduce(
      (max, value, i) => Math.max(max, Math.abs(value - (onNative[i] ?? 0))),
      0,
    );
    expect(largest).toBeLessThan(1e-4);
  });
});
