/** `bellwether train-entities`: trains the entity head (per-company sentiment) on an accurate model's encoder. */
import { type Command, Option } from 'commander';
import { cacheDir } from '../../config/cache-dir.ts';
import { BACKENDS } from '../../config/model.ts';
import { WEIGHTS_DTYPES, type WeightsDtype } from '../../model/weight-storage.ts';
import { createContext } from '../context.ts';
import { parseNumber } from '../options.ts';
import { progressLine } from '../progress.ts';

interface TrainEntitiesFlags {
  data: string;
  encoderModel: string;
  encoderData?: string[];
  out: string;
  backend?: (typeof BACKENDS)[number];
  epochs: string;
  batch: string;
  lr: string;
  lstm: string;
  dropout: string;
  patience: string;
  seed: string;
  fromLayer?: string;
  encoderLr: string;
  weights: WeightsDtype;
}

export function register(program: Command): void {
  program
    .command('train-entities')
    .description(
      "train the entity model: the sentiment toward each company a headline names, read from an accurate model's encoder states (computed once, cached under $BELLWETHER_CACHE)",
    )
    .requiredOption(
      '--data <jsonl>',
      'entity-labelled headlines: {"text", "entities": {"name": "label"}} per line',
    )
    .option('--encoder-model <dir>', 'the accurate model whose encoder it reads', 'models/accurate')
    .option(
      '--encoder-data <files...>',
      "the encoder model's training files, to repeat its split (default: its training.json's names under the --data file's grandparent folder)",
    )
    .option('--out <dir>', 'the entity model directory to write', 'models/entity')
    .addOption(new Option('--backend <name>', 'tfjs backend (default: config)').choices(BACKENDS))
    .option('--epochs <n>', 'epochs at most (early stopping on validation macro-F1)', '8')
    .option('--batch <n>', 'entity rows per step', '32')
    .option('--lr <x>', 'peak AdamW rate', '0.001')
    .option('--lstm <n>', 'BiLSTM units per direction', '64')
    .option('--dropout <x>', 'dropout before the softmax', '0.2')
    .option('--patience <n>', 'epochs without a better macro-F1 before stopping', '2')
    .option('--seed <n>', 'seed of batching, dropout and initial weights', '42')
    .option(
      '--from-layer <n>',
      "the first encoder layer that runs after the entity mark, fine-tuned inside the head (default: the encoder's layer count, none: the head reads the last layer's states)",
    )
    .option('--encoder-lr <x>', 'peak rate of the encoder layers inside the head', '5e-5')
    .addOption(
      new Option(
        '--weights <dtype>',
        'how weights.bin stores them (int8: about a quarter of float32, one scale per column; the saved model is what gets measured)',
      )
        .choices(WEIGHTS_DTYPES)
        .default('float32'),
    )
    .action(async (flags: TrainEntitiesFlags, command: Command) => {
      const { config, logger } = createContext(command);
      const { runEntityTraining } = await import('../../model/entity/entity-train-run.ts');
      const progress = progressLine('train-entities', 'steps');
      const record = await runEntityTraining(
        {
          data: flags.data,
          encoderModel: flags.encoderModel,
          ...(flags.encoderData ? { encoderData: flags.encoderData } : {}),
          out: flags.out,
          weights: flags.weights,
          backend: flags.backend ?? config.model.backend,
          cacheDir: cacheDir(),
          train: {
            ...(flags.fromLayer === undefined
              ? {}
              : { fromLayer: parseNumber(flags.fromLayer, '--from-layer') }),
            encoderRate: parseNumber(flags.encoderLr, '--encoder-lr'),
            lstmUnits: parseNumber(flags.lstm, '--lstm'),
            dropout: parseNumber(flags.dropout, '--dropout'),
            epochs: parseNumber(flags.epochs, '--epochs'),
            batchSize: parseNumber(flags.batch, '--batch'),
            rate: parseNumber(flags.lr, '--lr'),
            warmupFraction: 0.06,
            weightDecay: 0.01,
            patience: parseNumber(flags.patience, '--patience'),
            labelSmoothing: 0.05,
            classWeightPower: 0.5,
            seed: parseNumber(flags.seed, '--seed'),
          },
          command: `bellwether ${process.argv.slice(2).join(' ')}`,
        },
        logger,
        (p) =>
          progress.update(
            p.step,
            p.steps,
            `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}${p.valMacroF1 === undefined ? '' : ` val acc ${p.valAccuracy?.toFixed(4)} F1 ${p.valMacroF1.toFixed(4)}`}`,
          ),
        (done, total) => progress.update(done, total, 'headlines through the encoder'),
      );
      const { overall, disagreeing } = record.report;
      const reading = (m: { accuracy: number; macroF1: number }) =>
        `${m.accuracy.toFixed(4)} / ${m.macroF1.toFixed(4)}`;
      progress.finish(
        `wrote ${flags.out}: held-out entity accuracy / macro-F1 ${reading(overall.model)} (headline label: ${reading(overall.headlineBaseline)}); where entities disagree ${reading(disagreeing.model)} (headline label: ${reading(disagreeing.headlineBaseline)})`,
      );
    });
}
