/** `bellwether quantize`: rewrites a saved accurate model with its weights in another dtype (int8, float16), with a new version and card. */
import { type Command, Option } from 'commander';
import { BACKENDS } from '../../config/model.ts';
import { createContext } from '../context.ts';
import { progressLine } from '../progress.ts';

interface QuantizeFlags {
  model: string;
  dtype: 'int8' | 'float16';
  out: string;
  data?: string[];
  backend?: (typeof BACKENDS)[number];
}

export function register(program: Command): void {
  program
    .command('quantize')
    .description(
      'write a saved accurate model with its weights stored as int8 or float16 (new version, card and training.json); with --data, re-measure the validation split it was trained with',
    )
    .requiredOption('--model <dir>', 'the saved model (weights in any dtype)')
    .addOption(
      new Option('--dtype <dtype>', 'how the new weights.bin stores the weights')
        .choices(['int8', 'float16'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <dir>', 'a new (or empty) model directory, e.g. models/accurate')
    .option(
      '--data <files...>',
      "the model's training files: its validation split is scored again and recorded",
    )
    .addOption(
      new Option('--backend <name>', 'tfjs backend for the re-measure (default: config)').choices(
        BACKENDS,
      ),
    )
    .action(async (flags: QuantizeFlags, command: Command) => {
      const { config, logger } = createContext(command);
      const { runQuantize } = await import('../../model/quantize-run.ts');
      const progress = progressLine('quantize', 'texts');
      const result = await runQuantize(
        {
          model: flags.model,
          out: flags.out,
          dtype: flags.dtype,
          ...(flags.data ? { data: flags.data } : {}),
          backend: flags.backend ?? config.model.backend,
          command: `bellwether ${process.argv.slice(2).join(' ')}`,
        },
        logger,
        {
          step: (message) => progress.show(message, undefined, true),
          scored: (done, total) => progress.update(done, total, 'validation split'),
        },
      );
      const reading = (m: { accuracy: number; macroF1: number } | undefined) =>
        m ? `${m.accuracy.toFixed(4)} / ${m.macroF1.toFixed(4)}` : 'not measured';
      progress.finish(
        `wrote ${flags.out}: version ${result.version}, ${(result.sizeBytes / 1e6).toFixed(1)} MB; validation accuracy / macro-F1 before ${reading(result.before)}, after ${reading(result.after)}`,
      );
    });
}
