/**
 * `npx tsx bench/model-golden.ts [--model models/default] [--out src/model/predictor.golden.json]`: writes the
 * probabilities a model gives a fixed set of texts on wasm, so that speed work on the inference path can be
 * checked against what the model computed before it (src/model/predictor-golden.test.ts reads the file).
 * Regenerate it only when the model itself changes, with the inference code as it was before the change.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/core/logger.ts';
import { selectBackend } from '../src/model/backend.ts';
import { loadModelDir } from '../src/model/model-files.ts';
import { Predictor } from '../src/model/predictor.ts';
import { goldenTexts } from '../src/model/predictor-golden-texts.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/default' },
    out: { type: 'string', default: 'src/model/predictor.golden.json' },
  },
});
await selectBackend('wasm', silentLogger);
const loaded = await loadModelDir(values.model);
const predictor = new Predictor(loaded.model, loaded.tokenizer, loaded.meta.architecture.maxLen);
const texts = goldenTexts(loaded.tokenizer);
const probs = Array.from(predictor.predict(texts));
await writeFile(
  values.out,
  `${JSON.stringify({ model: values.model, version: loaded.meta.version, probs })}\n`,
);
// In the repository's format, so that `npm test`'s lint passes on the file as written.
execFileSync('node_modules/.bin/biome', ['format', '--write', values.out], { stdio: 'ignore' });
console.log(`${texts.length} texts of ${loaded.meta.version} → ${values.out}`);
