/** Finds a pretrained encoder that `npm run setup:pretrained` put in the cache, or says in one line why it is not there. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../config/cache-dir.ts';

export const PRETRAINED_IDS = ['all-minilm-l6-v2', 'e5-small-v2-q'] as const;
export type PretrainedId = (typeof PRETRAINED_IDS)[number];

export type Provisioned =
  | { ok: true; dir: string; tokenizerFile: string; onnxFile: string }
  | { ok: false; reason: string };

export function findPretrained(
  id: PretrainedId,
  env: NodeJS.ProcessEnv = process.env,
): Provisioned {
  const dir = path.join(cacheDir(env), 'pretrained', id);
  // setup.sh writes the stamp last, so a folder without it is a half-finished provisioning.
  if (!existsSync(path.join(dir, '.complete'))) {
    return { ok: false, reason: `${id} not provisioned in ${dir}: run npm run setup:pretrained` };
  }
  return {
    ok: true,
    dir,
    tokenizerFile: path.join(dir, 'tokenizer.json'),
    onnxFile: path.join(dir, 'model.onnx'),
  };
}
