/** `bellwether eval`: accuracy, macro-F1, per-class P/R/F1, confusion and throughput for the model or a baseline. */
import { type Command, Option } from 'commander';
import { BACKENDS } from '../../config/model.ts';
import { UsageError } from '../../core/errors.ts';
import { createContext } from '../context.ts';

interface EvalFlags {
  model?: string;
  data: string[];
  json?: boolean;
  baseline?: 'majority' | 'vader' | 'naive-bayes' | 'fasttext';
  split: 'all' | 'validation';
  seed?: string;
  valFraction?: string;
  trainData?: string[];
  labelSynonyms?: boolean;
  entityMajority?: boolean;
  backend?: (typeof BACKENDS)[number];
  workers?: string;
  entities?: boolean;
  encoderData?: string[];
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('evaluate the sentiment model (or a baseline) on labelled CSV/JSONL')
    .option('--model <dir>', 'model directory (default: the configured model, models/default)')
    .requiredOption('--data <files...>', 'labelled CSV (text,label) and/or JSONL files')
    .option('--json', 'print one JSON object on stdout')
    .addOption(
      new Option('--baseline <name>', 'evaluate a baseline instead of the model').choices([
        'majority',
        'vader',
        'naive-bayes',
        'fasttext',
      ]),
    )
    .addOption(
      new Option(
        '--split <which>',
        "'validation' re-carves the split train used (same files, seed, fraction)",
      )
        .choices(['all', 'validation'])
        .default('all'),
    )
    .option('--seed <n>', "split seed (default: the model's training.json, else 42)")
    .option('--val-fraction <x>', "split fraction (default: the model's training.json, else 0.15)")
    .option('--train-data <files...>', 'what trainable baselines learn from when --split all')
    .option(
      '--label-synonyms',
      'accept bearish/bullish and numeric twitter labels (0=bearish,1=bullish,2=neutral)',
    )
    .option(
      '--entity-majority',
      "JSONL: label disagreeing headlines by their entities' strict majority",
    )
    .addOption(new Option('--backend <name>', 'tfjs backend (default: config)').choices(BACKENDS))
    .option(
      '--workers <n>',
      "scoring worker threads (0 = the main thread) or 'auto' (default: config)",
    )
    .option(
      '--entities',
      "evaluate the entity model (--model, default models/entity) on entity-labelled JSONL: entity-level accuracy and macro-F1, overall and where a headline's entities disagree, beside giving every entity the headline's label",
    )
    .option(
      '--encoder-data <files...>',
      "--entities --split validation: the encoder model's training files (default: its training.json's names beside --data)",
    )
    .action(async (flags: EvalFlags, command: Command) => {
      const { config, logger } = createContext(command);
      if (flags.entities) {
        const [data, ...rest] = flags.data;
        if (!data || rest.length > 0) throw new UsageError('--entities reads one JSONL file');
        const { runEntityEval, formatEntityReport } = await import(
          '../../model/entity/entity-eval-run.ts'
        );
        const result = await runEntityEval(
          {
            modelDir: flags.model ?? 'models/entity',
            data,
            split: flags.split,
            ...(flags.encoderData ? { encoderData: flags.encoderData } : {}),
            backend: flags.backend ?? config.model.backend,
          },
          logger,
        );
        process.stdout.write(
          flags.json ? `${JSON.stringify(result)}\n` : formatEntityReport(result),
        );
        return;
      }
      const workers =
        flags.workers === undefined
          ? config.model.workers
          : flags.workers === 'auto'
            ? 'auto'
            : Number(flags.workers);
      if (typeof workers === 'number' && !(Number.isInteger(workers) && workers >= 0)) {
        throw new UsageError('--workers must be a non-negative integer or auto');
      }
      const { evaluate, formatReport } = await import('../../model/evaluate.ts');
      const report = await evaluate(
        {
          modelDir: flags.model ?? config.model.path,
          data: flags.data,
          split: flags.split,
          ...(flags.seed !== undefined ? { seed: Number(flags.seed) } : {}),
          ...(flags.valFraction !== undefined ? { valFraction: Number(flags.valFraction) } : {}),
          ...(flags.trainData ? { trainData: flags.trainData } : {}),
          labelOptions: {
            synonyms: flags.labelSynonyms === true,
            entityMajority: flags.entityMajority === true,
          },
          ...(flags.baseline ? { baseline: flags.baseline } : {}),
          backend: flags.backend ?? config.model.backend,
          workers,
        },
        logger,
      );
      process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    });
}
