// The defect: `train --swap-words 2` with the swap encoder not provisioned read every data file, split it and
// built the transfer set before failing with a plain error from deep inside the word-swap code. A flag that
// cannot work is a usage error, said before any data is read, naming the flag and the command that fixes it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.ts';
import { checkDistillSettings, type DistillSettings } from './distill-set.ts';

const settings: DistillSettings = {
  teacher: path.resolve('models/default'),
  teacherBackend: 'auto',
  temperature: 2,
  weight: 0.7,
  featureWeight: 0,
  transfer: [],
  augment: 0,
  swapWords: 2,
  fragments: 0,
  swapEncoder: 'e5-small-v2-q',
  companies: [],
};

describe('distillation settings are checked before any data is read', () => {
  let emptyCache: string;
  let savedCache: string | undefined;

  beforeAll(async () => {
    emptyCache = await mkdtemp(path.join(tmpdir(), 'bw-empty-cache-'));
    savedCache = process.env.BELLWETHER_CACHE;
    process.env.BELLWETHER_CACHE = emptyCache;
  });

  afterAll(async () => {
    if (savedCache === undefined) delete process.env.BELLWETHER_CACHE;
    else process.env.BELLWETHER_CACHE = savedCache;
    await rm(emptyCache, { recursive: true, force: true });
  });

  it('refuses --swap-words when the swap encoder is not provisioned, naming the flag and the fix', async () => {
    const refusal = checkDistillSettings(settings);
    await expect(refusal).rejects.toBeInstanceOf(UsageError);
    await expect(refusal).rejects.toThrow(
      /--swap-words: encoder e5-small-v2-q: .*not provisioned.*setup:pretrained/,
    );
  });

  it('does not look for the encoder when no swaps are asked for', async () => {
    await expect(checkDistillSettings({ ...settings, swapWords: 0 })).resolves.toBeUndefined();
  });
});
