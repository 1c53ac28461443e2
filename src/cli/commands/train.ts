/** `bellwether train`: learns the tokenizer and the hybrid model from labelled files, writes weights and a model card. */
import { type Command, Option } from 'commander';
import { BACKENDS } from '../../config/model.ts';
import type { Config } from '../../config/schema.ts';
import { UsageError } from '../../core/errors.ts';
import type { DistillSettings } from '../../model/distill/distill-set.ts';
import { PRETRAINED_IDS, type PretrainedId } from '../../model/pretrained/provisioned.ts';
import type { Progress } from '../../model/trainer.ts';
import { WEIGHTS_DTYPES, type WeightsDtype } from '../../model/weight-storage.ts';
import { loadWatchlist } from '../../topics/watchlist.ts';
import { createContext } from '../context.ts';
import { parseNumber as num } from '../options.ts';
import { formatSeconds, progressLine } from '../progress.ts';

interface TrainFlags {
  data: string[];
  out: string;
  backend: (typeof BACKENDS)[number];
  epochs: string;
  batchSize: string;
  lr: string;
  dim: string;
  blocks: string;
  heads: string;
  ff: string;
  lstm: string;
  fusion: 'gate' | 'concat';
  hidden: string;
  dropout: string;
  ngramBuckets: string;
  ngramDim: string;
  maxLen: string;
  members: string;
  lexicon: boolean;
  vocab: string;
  patience: string;
  smoothing: string;
  tokenDropout: string;
  ema: string;
  classWeightPower: string;
  seed: string;
  splitSeed?: string;
  valFraction: string;
  maxMinutes?: string;
  labelSynonyms?: boolean;
  baselines: boolean;
  teacher?: string;
  teacherBackend: (typeof BACKENDS)[number];
  temperature: string;
  distillWeight: string;
  featureWeight: string;
  transfer?: string[];
  augment: string;
  swapWords: string;
  fragments: string;
  embedInit?: PretrainedId;
  embedProject?: boolean;
  entityMajority?: boolean;
  arch: 'hybrid' | 'accurate';
  encoder: PretrainedId;
  freeze: string;
  encoderLr: string;
  layerDecay: string;
  weightDecay: string;
  warmup: string;
  weights: WeightsDtype;
  float16?: boolean;
}

/** Shared flags whose default differs for the accurate model (used when the flag is not given). */
const ACCURATE_DEFAULTS = {
  epochs: '3',
  lr: '0.001',
  lstm: '64',
  dropout: '0.1',
  maxLen: '64',
  patience: '1',
} satisfies Partial<Record<keyof TrainFlags, string>>;

/** Flags that only mean something with --teacher, as commander names their values. */
const DISTILL_ONLY = {
  teacherBackend: '--teacher-backend',
  temperature: '--temperature',
  distillWeight: '--distill-weight',
  featureWeight: '--feature-weight',
  transfer: '--transfer',
  augment: '--augment',
  swapWords: '--swap-words',
  fragments: '--fragments',
} satisfies Partial<Record<keyof TrainFlags, string>>;

/** The distillation asked for by --teacher and its flags; none of them without --teacher, nor with --arch accurate. */
function distillSettings(
  flags: TrainFlags,
  command: Command,
  config: Config,
): DistillSettings | undefined {
  const given = (Object.keys(DISTILL_ONLY) as Array<keyof typeof DISTILL_ONLY>).filter(
    (key) => command.getOptionValueSource(key) !== 'default' && flags[key] !== undefined,
  );
  if (!flags.teacher) {
    if (given.length === 0) return undefined;
    throw new UsageError(`${given.map((k) => DISTILL_ONLY[k]).join(', ')} need --teacher <dir>`);
  }
  if (flags.arch !== 'hybrid')
    throw new UsageError('--teacher distils the hybrid (--arch hybrid) only');
  return {
    teacher: flags.teacher,
    teacherBackend: flags.teacherBackend,
    temperature: num(flags.temperature, '--temperature'),
    weight: num(flags.distillWeight, '--distill-weight'),
    featureWeight: num(flags.featureWeight, '--feature-weight'),
    transfer: flags.transfer ?? [],
    augment: num(flags.augment, '--augment'),
    swapWords: num(flags.swapWords, '--swap-words'),
    swapEncoder: flags.embedInit ?? 'e5-small-v2-q',
    fragments: num(flags.fragments, '--fragments'),
    companies: loadWatchlist(config.topics.watchlist).companies,
  };
}

/** --weights, or float16 when the older --float16 is given (both at once must agree). */
function storedWeights(flags: TrainFlags, command: Command): WeightsDtype {
  if (!flags.float16) return flags.weights;
  if (command.getOptionValueSource('weights') !== 'default' && flags.weights !== 'float16') {
    throw new UsageError(`--float16 contradicts --weights ${flags.weights}`);
  }
  return 'float16';
}

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'train the sentiment model (tokenizer + hybrid Transformer/BiLSTM) and write it with a model card; the defaults are the shipped configuration (models/default)',
    )
    .requiredOption('--data <files...>', 'labelled CSV (text,label) and/or JSONL files')
    .requiredOption('--out <dir>', 'output model directory, e.g. models/default')
    .addOption(
      new Option(
        '--arch <kind>',
        'hybrid: the small model learned from scratch; accurate: a pretrained encoder (npm run setup:pretrained) fine-tuned under a BiLSTM, with its own defaults for --epochs 3 --lr 0.001 --lstm 64 --dropout 0.1 --max-len 64 --patience 1',
      )
        .choices(['hybrid', 'accurate'])
        .default('hybrid'),
    )
    .addOption(
      new Option('--encoder <id>', 'accurate: the pretrained encoder')
        .choices(PRETRAINED_IDS)
        .default('all-minilm-l6-v2'),
    )
    .option(
      '--freeze <n>',
      'accurate: blocks frozen from the bottom, their outputs cached (1 = the embeddings, 1+k = also encoder layers 0…k−1)',
      '1',
    )
    .option('--encoder-lr <x>', 'accurate: peak rate of the top encoder layer', '5e-5')
    .option('--layer-decay <x>', 'accurate: rate factor per encoder layer down', '0.9')
    .option('--weight-decay <x>', 'accurate: AdamW decoupled weight decay', '0.01')
    .option('--warmup <x>', 'accurate: share of the steps spent warming up', '0.1')
    .addOption(
      new Option(
        '--weights <dtype>',
        'accurate: how weights.bin stores them (float16: half the size; int8: about a quarter, one scale per column)',
      )
        .choices(WEIGHTS_DTYPES)
        .default('float32'),
    )
    .option('--float16', 'accurate: the same as --weights float16')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKENDS).default('auto'))
    .option('--epochs <n>', 'maximum epochs', '6')
    .option('--batch-size <n>', 'texts per step', '32')
    .option('--lr <x>', 'peak learning rate (Adam)', '0.002')
    .option('--dim <n>', 'model width', '64')
    .option('--blocks <n>', 'Transformer encoder blocks', '1')
    .option('--heads <n>', 'attention heads', '4')
    .option('--ff <n>', 'feed-forward width', '128')
    .option('--lstm <n>', 'LSTM units per direction (0 = no LSTM branch)', '32')
    .addOption(
      new Option('--fusion <mode>', 'how the branches join')
        .choices(['gate', 'concat'])
        .default('gate'),
    )
    .option('--hidden <n>', 'dense layer before the softmax', '64')
    .option('--dropout <x>', 'dropout rate', '0.3')
    .option('--ngram-buckets <n>', 'hashed bigram buckets for the wide branch (0 = off)', '8192')
    .option('--ngram-dim <n>', 'wide branch width', '32')
    .option(
      '--lexicon',
      'feed the finance polarity lexicon in as a prior, its words kept whole',
      true,
    )
    .option('--no-lexicon', 'leave the lexicon prior out')
    .option(
      '--members <n>',
      'networks trained one after another and averaged in one model file (an ensemble)',
      '3',
    )
    .option('--max-len <n>', 'max subword tokens per text', '48')
    .option('--vocab <n>', 'subword vocabulary size (lexicon words included)', '4500')
    .option('--patience <n>', 'early stopping patience (epochs)', '2')
    .option('--smoothing <x>', 'label smoothing', '0.05')
    .option(
      '--token-dropout <x>',
      'share of training tokens replaced by <unk> (augmentation)',
      '0.1',
    )
    .option(
      '--ema <decay>',
      'validate and keep a moving average of the weights (0 = off); its decay is min(decay, (1 + step) / (10 + step)), so it binds only after about 1 / (1 − decay) × 9 steps',
      '0.998',
    )
    .option('--class-weight-power <x>', 'class weights ∝ (1/freq)^p (0 = off, 1 = balanced)', '0.5')
    .option('--seed <n>', 'random seed (split, shuffles, init)', '42')
    .option(
      '--split-seed <n>',
      "seed of the validation split alone (default: --seed), to vary a model's initialisation on the same split",
    )
    .option('--val-fraction <x>', 'stratified validation share', '0.15')
    .option('--max-minutes <n>', 'stop after this long, keeping the best epoch')
    .option(
      '--label-synonyms',
      'accept bearish/bullish and numeric twitter labels (0=bearish,1=bullish,2=neutral)',
    )
    .option(
      '--teacher <dir>',
      'distil from this saved model (the hybrid or the accurate one): its probabilities for the training and transfer texts, scored once and cached under $BELLWETHER_CACHE, become soft targets',
    )
    .addOption(
      new Option('--teacher-backend <name>', 'tfjs backend that scores the teacher')
        .choices(BACKENDS)
        .default('auto'),
    )
    .option('--temperature <T>', 'distil: softmax temperature of teacher and student (> 0)', '2')
    .option(
      '--distill-weight <a>',
      'distil: loss = a·T²·KL(teacher ‖ student) + (1−a)·cross-entropy on the label',
      '0.5',
    )
    .option(
      '--feature-weight <b>',
      "distil: add b·(mean squared error) between a projection of the student's hidden layer and the teacher's standardised features (the vector its softmax head reads); 0 = off",
      '0',
    )
    .option(
      '--transfer <files...>',
      'distil: unlabelled texts learned from the teacher alone (.txt one a line, or .jsonl with text/headline/title)',
    )
    .option(
      '--augment <n>',
      'distil: meaning-keeping variants of each training text added to the transfer texts',
      '0',
    )
    .option(
      '--swap-words <n>',
      "distil: n variants of each training text with words swapped for their nearest neighbours in a provisioned encoder's word embeddings (--embed-init's, else e5-small-v2-q), read by the teacher",
      '0',
    )
    .option(
      '--fragments <n>',
      'distil: n fragments of each training text (a run of its words, or its front joined to the back of another text), read by the teacher',
      '0',
    )
    .addOption(
      new Option(
        '--embed-init <encoder id>',
        "start the token embeddings from a provisioned encoder's (WordPiece rows averaged, PCA to --dim)",
      ).choices(PRETRAINED_IDS),
    )
    .option(
      '--embed-project',
      "with --embed-init: keep the encoder's averaged rows frozen at full width behind a learned projection plus a learned correction (folded into one table at save, so inference costs the same)",
    )
    .option('--no-baselines', 'skip evaluating the baselines on the same split for the card')
    .option(
      '--entity-majority',
      "JSONL: label headlines with disagreeing entities by the entities' strict majority",
    )
    .action(async (flags: TrainFlags, command: Command) => {
      const { logger, config } = createContext(command);
      const distill = distillSettings(flags, command, config);
      const progress = progressLine('train', 'texts');
      const showProgress = (p: Progress) => {
        const member = p.members > 1 ? `member ${p.member}/${p.members} ` : '';
        const head = `${member}epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}`;
        const val =
          p.valAccuracy === undefined
            ? ''
            : ` val acc ${p.valAccuracy.toFixed(4)} val macro-F1 ${(p.valMacroF1 ?? 0).toFixed(4)}`;
        const epochDone = p.valAccuracy !== undefined;
        progress.show(
          `${head}${val} ${p.textsPerSec.toFixed(0)} texts/s ETA ${formatSeconds(p.etaSec)}`,
          p.step / p.steps,
          epochDone,
        );
      };
      const split = {
        data: flags.data,
        out: flags.out,
        backend: flags.backend,
        seed: num(flags.splitSeed ?? flags.seed, '--split-seed'),
        valFraction: num(flags.valFraction, '--val-fraction'),
        labelOptions: {
          synonyms: flags.labelSynonyms === true,
          entityMajority: flags.entityMajority === true,
        },
        command: `bellwether ${process.argv.slice(2).join(' ')}`,
      };
      if (flags.arch === 'accurate') {
        const flag = (key: keyof typeof ACCURATE_DEFAULTS, name: string) =>
          num(
            command.getOptionValueSource(key) === 'default' ? ACCURATE_DEFAULTS[key] : flags[key],
            name,
          );
        const { runAccurateTraining } = await import('../../model/accurate/train-run.ts');
        await runAccurateTraining(
          {
            ...split,
            encoder: flags.encoder,
            weights: storedWeights(flags, command),
            fineTune: {
              lstmUnits: flag('lstm', '--lstm'),
              dropout: flag('dropout', '--dropout'),
              maxLen: flag('maxLen', '--max-len'),
              epochs: flag('epochs', '--epochs'),
              batchSize: num(flags.batchSize, '--batch-size'),
              headRate: flag('lr', '--lr'),
              encoderRate: num(flags.encoderLr, '--encoder-lr'),
              layerDecay: num(flags.layerDecay, '--layer-decay'),
              warmupFraction: num(flags.warmup, '--warmup'),
              weightDecay: num(flags.weightDecay, '--weight-decay'),
              patience: flag('patience', '--patience'),
              freeze: num(flags.freeze, '--freeze'),
              labelSmoothing: num(flags.smoothing, '--smoothing'),
              classWeightPower: num(flags.classWeightPower, '--class-weight-power'),
              seed: num(flags.seed, '--seed'),
              ...(flags.maxMinutes
                ? { maxSeconds: num(flags.maxMinutes, '--max-minutes') * 60 }
                : {}),
            },
          },
          logger,
          showProgress,
        );
        return;
      }
      const { runTraining } = await import('../../model/train-run.ts');
      const teacherProgress = progressLine('teacher', 'texts');
      await runTraining(
        {
          ...split,
          train: {
            architecture: {
              maxLen: num(flags.maxLen, '--max-len'),
              dim: num(flags.dim, '--dim'),
              blocks: num(flags.blocks, '--blocks'),
              heads: num(flags.heads, '--heads'),
              ffDim: num(flags.ff, '--ff'),
              lstmUnits: num(flags.lstm, '--lstm'),
              fusion: flags.fusion,
              hidden: num(flags.hidden, '--hidden'),
              dropout: num(flags.dropout, '--dropout'),
              ngramBuckets: num(flags.ngramBuckets, '--ngram-buckets'),
              ngramDim: num(flags.ngramDim, '--ngram-dim'),
              ...(flags.lexicon ? { lexicon: true } : {}),
            },
            vocabSize: num(flags.vocab, '--vocab'),
            epochs: num(flags.epochs, '--epochs'),
            batchSize: num(flags.batchSize, '--batch-size'),
            learningRate: num(flags.lr, '--lr'),
            patience: num(flags.patience, '--patience'),
            labelSmoothing: num(flags.smoothing, '--smoothing'),
            tokenDropout: num(flags.tokenDropout, '--token-dropout'),
            emaDecay: num(flags.ema, '--ema'),
            classWeightPower: num(flags.classWeightPower, '--class-weight-power'),
            seed: num(flags.seed, '--seed'),
            members: num(flags.members, '--members'),
            ...(flags.maxMinutes
              ? { maxSeconds: num(flags.maxMinutes, '--max-minutes') * 60 }
              : {}),
          },
          baselines: flags.baselines,
          ...(distill ? { distill } : {}),
          ...(flags.embedInit ? { embedInit: flags.embedInit } : {}),
          ...(flags.embedProject ? { embedProject: true } : {}),
        },
        logger,
        showProgress,
        (done, total) => teacherProgress.update(done, total),
      );
    });
}
