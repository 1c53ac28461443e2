// Issue 13 — `bellwether quantize` as a user runs it on a tiny float16 accurate model: it writes the int8 model with a
// new version over the bytes it stored, the tokenizer and the training record, re-measures the recorded validation
// split exactly as `eval --split validation` reads it, puts both readings in the card, and refuses bad requests clearly.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { FineTuneOptions } from '../../src/model/accurate/fine-tune.ts';
import type { AccurateTrainingRecord } from '../../src/model/accurate/training-record.ts';
import { evaluate } from '../../src/model/evaluate.ts';
import { metricsFromConfusion } from '../../src/model/metrics.ts';
import { dataFileNames, loadSplit } from '../../src/model/train-run.ts';
import { runCli } from '../support/cli.ts';
import { labelledCsv } from '../support/labelled-csv.ts';
import { TINY_ACCURATE, writeTinyAccurateDir } from '../support/tiny-accurate-model.ts';
import { tinyEncoderWeights } from '../support/tiny-encoder.ts';

const SPLIT = { seed: 42, fraction: 0.3, labelOptions: {} };

describe('issue 13 — bellwether quantize', () => {
  let dir: string;
  let data: string;
  let source: string;
  let record: AccurateTrainingRecord;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-quantize-'));
    data = path.join(dir, 'labelled.csv');
    await writeFile(data, labelledCsv(90));
    source = path.join(dir, 'trained');
    await writeTinyAccurateDir(source, 'float16');
    const { train, validation } = await loadSplit([data], {}, SPLIT.fraction, SPLIT.seed);
    // The source's own reading, as training records it: the saved model on its validation split.
    const measured = await evaluate(
      {
        modelDir: source,
        data: [data],
        split: 'validation',
        seed: SPLIT.seed,
        valFraction: SPLIT.fraction,
        labelOptions: SPLIT.labelOptions,
        backend: 'cpu',
        workers: 0,
      },
      silentLogger,
    );
    const saved = metricsFromConfusion(measured.confusion);
    record = {
      data: dataFileNames([data]),
      split: { ...SPLIT, train: train.length, validation: validation.length },
      encoder: tinyEncoderWeights().source,
      // What the card prints of the settings; a fixture needs only a few of them.
      fineTune: { epochs: 1, batchSize: 8, seed: 42 } as FineTuneOptions,
      classWeights: [1, 1, 1],
      validation: saved,
      saved,
      history: [
        { member: 1, epoch: 1, loss: 1, valAccuracy: saved.accuracy, valMacroF1: saved.macroF1 },
      ],
      bestEpoch: 1,
      cacheSeconds: 0,
      secondsPerStep: 0.1,
      seconds: 1,
      backend: 'cpu',
      command: 'bellwether train --arch accurate (tiny)',
    };
    await writeFile(path.join(source, 'training.json'), JSON.stringify(record));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const quantize = (...args: string[]) =>
    runCli(['quantize', '--model', source, '--backend', 'cpu', ...args], {}, 120_000);

  it('writes int8 weights with a new version over their bytes, the tokenizer, and the split re-measured as eval reads it', async () => {
    const out = path.join(dir, 'shipped');
    const run = await quantize('--dtype', 'int8', '--out', out, '--data', data);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('re-measuring the validation split');
    expect(run.stderr).toMatch(/wrote .*shipped: version shipped-[0-9a-f]{12}/);

    const meta = JSON.parse(await readFile(path.join(out, 'meta.json'), 'utf8'));
    const bytes = await readFile(path.join(out, 'weights.bin'));
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    expect(meta).toMatchObject({ version: `shipped-${digest}`, weightsDtype: 'int8' });
    expect(meta.architecture).toEqual(TINY_ACCURATE);
    expect(bytes.length).toBeLessThan((await stat(path.join(source, 'weights.bin'))).size * 0.75);
    expect(JSON.parse(await readFile(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual(
      JSON.parse(await readFile(path.join(source, 'tokenizer.json'), 'utf8')),
    );

    const written = JSON.parse(await readFile(path.join(out, 'training.json'), 'utf8'));
    expect(written.split).toEqual(record.split);
    expect(written.quantization).toMatchObject({
      from: { version: 'tiny-accurate', weightsDtype: 'float16' },
      weightsDtype: 'int8',
      before: { accuracy: record.saved.accuracy, n: record.saved.n },
    });
    expect(written.quantization.command).toContain('--dtype int8');
    const evaluated = await runCli(
      [
        'eval',
        '--model',
        out,
        '--data',
        data,
        '--split',
        'validation',
        '--backend',
        'cpu',
        '--json',
      ],
      {},
      120_000,
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.n).toBe(record.split.validation);
    expect(written.quantization.after).toMatchObject({
      n: report.n,
      accuracy: report.accuracy,
      macroF1: report.macroF1,
      confusion: report.confusion,
    });

    const card = await readFile(path.join(out, 'card.md'), 'utf8');
    expect(card).toContain(meta.version);
    expect(card).toContain('stored as int8');
    expect(card).toContain('| before quantization: `tiny-accurate` (float16) |');
    expect(card).toContain(
      `| after quantization, as shipped (int8) | ${(report.accuracy * 100).toFixed(1)}%`,
    );
    expect(card).toContain('Cross-source: not yet measured');
    expect(card).toContain('bellwether train --arch accurate (tiny)');
  });

  it('without --data it records the weights but says the split was not measured', async () => {
    const out = path.join(dir, 'half');
    const run = await quantize('--dtype', 'float16', '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const written = JSON.parse(await readFile(path.join(out, 'training.json'), 'utf8'));
    expect(written.quantization.after).toBeUndefined();
    const card = await readFile(path.join(out, 'card.md'), 'utf8');
    expect(card).toContain('| after quantization, as shipped (float16) | not measured |');
  });

  it('refuses a missing model, an unknown dtype, a non-empty --out and data it was not trained on', async () => {
    const missing = await runCli(
      [
        'quantize',
        '--model',
        path.join(dir, 'nope'),
        '--dtype',
        'int8',
        '--out',
        path.join(dir, 'x'),
      ],
      {},
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no model at .*nope/);

    const dtype = await quantize('--dtype', 'int4', '--out', path.join(dir, 'y'));
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toMatch(/int4.*Allowed choices are int8, float16/);

    const busy = path.join(dir, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'keep.txt'), 'x');
    const full = await quantize('--dtype', 'int8', '--out', busy);
    expect(full.code).toBe(2);
    expect(full.stderr).toContain('exists and is not empty');

    const other = path.join(dir, 'other.csv');
    await writeFile(other, labelledCsv(30));
    const wrong = await quantize('--dtype', 'int8', '--out', path.join(dir, 'z'), '--data', other);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not what the model was trained on');
  });
});
