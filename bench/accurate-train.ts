// Measures what fine-tuning the accurate model costs here: the WordPiece token lengths of the training
// texts, then a few training steps per encoder and freeze depth (seconds per step, cache seconds per
// text), extrapolated to one epoch over the whole training split.
//
// usage: npm run bench:accurate-train -- [--encoders all-minilm-l6-v2,e5-small-v2-q] [--freeze 0,1,5]
//          [--steps 4] [--batch-size 32] [--max-len 64] [--backend tensorflow] [--json]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BACKENDS, type BackendChoice } from '../src/config/model.ts';
import { silentLogger } from '../src/core/logger.ts';
import { seededRandom } from '../src/core/random.ts';
import { fineTune } from '../src/model/accurate/fine-tune.ts';
import { selectBackend } from '../src/model/backend.ts';
import { shuffleInPlace } from '../src/model/dataset.ts';
import { readEncoderWeights } from '../src/model/pretrained/encoder-weights.ts';
import {
  findPretrained,
  PRETRAINED_IDS,
  type PretrainedId,
} from '../src/model/pretrained/provisioned.ts';
import { WordPieceTokenizer } from '../src/model/pretrained/wordpiece.ts';
import { loadSplit } from '../src/model/train-run.ts';

const { values: args } = parseArgs({
  options: {
    encoders: { type: 'string', default: PRETRAINED_IDS.join(',') },
    freeze: { type: 'string', default: '0,1' },
    steps: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '32' },
    'max-len': { type: 'string', default: '64' },
    backend: { type: 'string', default: 'tensorflow' },
    data: {
      type: 'string',
      default: '../shared/data/twitter-financial-news/train.csv,../shared/data/sentfin/train.jsonl',
    },
    json: { type: 'boolean', default: false },
  },
});
const steps = Number(args.steps);
const batchSize = Number(args['batch-size']);
const maxLen = Number(args['max-len']);
const freezes = (args.freeze ?? '').split(',').map(Number);
if (![steps, batchSize, maxLen, ...freezes].every((v) => Number.isInteger(v) && v >= 0)) {
  throw new Error('--steps, --batch-size, --max-len and --freeze take non-negative integers');
}
const backend = args.backend as BackendChoice;
if (!BACKENDS.includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
const encoders = (args.encoders ?? '').split(',') as PretrainedId[];
for (const id of encoders) {
  if (!PRETRAINED_IDS.includes(id)) throw new Error(`unknown encoder ${id}`);
}

const selection = await selectBackend(backend, silentLogger);
// The split train and eval use by default (seed 42, 15% validation).
const { train, validation } = await loadSplit((args.data ?? '').split(','), {}, 0.15, 42);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const rows: Array<Record<string, unknown>> = [];
for (const id of encoders) {
  const found = findPretrained(id);
  if (!found.ok) throw new Error(found.reason);
  const tokenizer = await WordPieceTokenizer.load(found.tokenizerFile);
  const lengths = train.map((e) => tokenizer.encode(e.text).length).sort((a, b) => a - b);
  const covered = lengths.filter((l) => l <= maxLen).length / lengths.length;
  const lengthRow = {
    encoder: id,
    texts: lengths.length,
    p50: percentile(lengths, 50),
    p90: percentile(lengths, 90),
    p99: percentile(lengths, 99),
    max: lengths.at(-1),
    maxLen,
    covered: Number(covered.toFixed(4)),
  };
  if (!args.json) console.log(JSON.stringify(lengthRow));
  const weights = await readEncoderWeights(found.dir);
  for (const freeze of freezes) {
    // A random sample of training texts, so batch lengths are as in a real epoch.
    const sample = shuffleInPlace([...train], seededRandom(freeze + 1)).slice(0, steps * batchSize);
    const result = fineTune(sample, validation.slice(0, batchSize), tokenizer, weights, {
      lstmUnits: 64,
      dropout: 0.1,
      maxLen,
      epochs: 1,
      batchSize,
      headRate: 1e-3,
      encoderRate: 5e-5,
      layerDecay: 0.9,
      warmupFraction: 0.1,
      weightDecay: 0.01,
      patience: 1,
      freeze,
      labelSmoothing: 0,
      classWeightPower: 0.5,
      seed: 1,
    });
    const cachePerText = result.cacheSeconds / (sample.length + batchSize);
    const stepsPerEpoch = Math.ceil(train.length / batchSize);
    const row = {
      encoder: id,
      backend: selection.backend,
      freeze,
      batchSize,
      maxLen,
      steps: result.steps,
      secondsPerStep: Number(result.stepSeconds.toFixed(3)),
      cacheSecondsPerText: Number(cachePerText.toFixed(5)),
      epochMinutes: Number(((result.stepSeconds * stepsPerEpoch) / 60).toFixed(1)),
      cacheMinutes: Number(((cachePerText * (train.length + validation.length)) / 60).toFixed(1)),
    };
    rows.push({ ...lengthRow, ...row });
    if (!args.json) console.log(JSON.stringify(row));
    result.model.dispose();
  }
}
if (args.json) console.log(JSON.stringify(rows, null, 2));
console.error(`(${path.basename(process.argv[1] ?? '')} on ${selection.backend})`);
