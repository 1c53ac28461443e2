/** fastText (the Debian `fasttext` binary) trained on the same split: a benchmark yardstick, never a runtime dependency. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ServiceError } from '../../core/errors.ts';
import { LABELS, type Label } from '../architecture.ts';
import type { Example } from '../dataset.ts';
import { pretokenize } from '../pretokenize.ts';
import type { Baseline } from './baseline.ts';

const run = promisify(execFile);

/** The same normalisation the model gets, so the comparison is about the learner, not the input. */
function line(text: string): string {
  return pretokenize(text).join(' ');
}

export class FastTextBaseline implements Baseline {
  readonly name = 'fasttext';
  private dir: string | undefined;

  constructor(
    private readonly binary = 'fasttext',
    private readonly args = [
      '-epoch',
      '25',
      '-lr',
      '0.5',
      '-wordNgrams',
      '2',
      '-dim',
      '50',
      '-thread',
      '1',
    ],
  ) {}

  async fit(train: readonly Example[]): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'bw-fasttext-'));
    const file = path.join(this.dir, 'train.txt');
    await writeFile(file, train.map((e) => `__label__${e.label} ${line(e.text)}`).join('\n'));
    try {
      await run(this.binary, [
        'supervised',
        '-input',
        file,
        '-output',
        path.join(this.dir, 'model'),
        ...this.args,
        '-verbose',
        '0',
      ]);
    } catch (error) {
      throw new ServiceError(
        'fasttext',
        `training failed (is the fasttext package installed?): ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async predict(texts: readonly string[]): Promise<Float32Array> {
    if (!this.dir) throw new ServiceError('fasttext', 'predict before fit');
    const file = path.join(this.dir, 'test.txt');
    await writeFile(file, texts.map((t) => line(t) || '.').join('\n'));
    const { stdout } = await run(
      this.binary,
      ['predict-prob', path.join(this.dir, 'model.bin'), file, '3'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const out = new Float32Array(texts.length * 3);
    stdout
      .trim()
      .split('\n')
      .forEach((row, i) => {
        const parts = row.trim().split(/\s+/);
        for (let j = 0; j + 1 < parts.length; j += 2) {
          const label = (parts[j] ?? '').replace('__label__', '') as Label;
          const c = LABELS.indexOf(label);
          if (c >= 0) out[i * 3 + c] = Number(parts[j + 1]);
        }
      });
    return out;
  }

  /** Removes the temporary training files and model. */
  async close(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
