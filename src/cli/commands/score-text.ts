/**
 * `bellwether score-text`: texts as arguments, or JSONL on stdin, scored into JSONL (label, probabilities,
 * score); with --entities, each watchlist company the text names gets its own sentiment beside the text's.
 */
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { BACKENDS } from '../../config/model.ts';
import { BellwetherError, DecodeError, describeError } from '../../core/errors.ts';
import { type EntityScoringRules, entitySentiments } from '../../scoring/entity-scoring.ts';
import { createContext } from '../context.ts';
import { type InputRow, renderScored } from './score-text-output.ts';

interface ScoreFlags {
  model?: string;
  backend?: (typeof BACKENDS)[number];
  batchSize: string;
  entities?: boolean;
  entityModel?: string;
}

function parseLine(line: string, n: number): InputRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DecodeError(`stdin line ${n}: not JSON`, { cause: error });
  }
  if (typeof value === 'string') return { text: value };
  if (
    value &&
    typeof value === 'object' &&
    typeof (value as { text?: unknown }).text === 'string'
  ) {
    const row = value as { text: string; id?: unknown };
    return row.id === undefined ? { text: row.text } : { text: row.text, id: row.id };
  }
  throw new DecodeError(`stdin line ${n}: expected {"text": "..."} or a JSON string`);
}

export function register(program: Command): void {
  program
    .command('score-text')
    .description(
      'score texts given as arguments, or JSONL ({"text": ...} per line) on stdin, into JSONL',
    )
    .argument('[texts...]', 'texts to score (omit to read JSONL from stdin)')
    .option('--model <dir>', 'model directory (default: the configured model)')
    .addOption(new Option('--backend <name>', 'tfjs backend (default: config)').choices(BACKENDS))
    .option('--batch-size <n>', 'texts per model call when reading stdin', '256')
    .option(
      '--entities',
      'add each watchlist company the text names, with its own sentiment (needs the entity model)',
    )
    .option('--entity-model <dir>', 'entity model directory (default: scoring.entities.model)')
    .action(async (texts: string[], flags: ScoreFlags, command: Command) => {
      const { config, logger } = createContext(command);
      // Asked for by flag, entities are scored for every company named, whatever the configured mode.
      let entities: EntityScoringRules | undefined;
      if (flags.entities || flags.entityModel) {
        const { entityScorerLoader, openTopics } = await import('../../pipeline/components.ts');
        const { openEntityScoring } = await import('../../pipeline/entity-scoring.ts');
        entities = await openEntityScoring({
          config: {
            ...config.scoring.entities,
            mode: 'always',
            model: flags.entityModel ?? config.scoring.entities.model,
          },
          mentions: openTopics(config.topics, logger),
          load: entityScorerLoader(flags.backend ?? config.model.backend),
          logger,
          howToTurnOff: 'leave out --entities to score the texts alone',
        });
      }
      const { loadScorer } = await import('../../model/index.ts');
      // Arguments are a handful of texts: a worker pool would cost more to start than it saves.
      const scorer = await loadScorer(
        {
          path: flags.model ?? config.model.path,
          backend: flags.backend ?? config.model.backend,
          workers: texts.length > 0 ? 1 : config.model.workers,
        },
        logger,
      );
      const flush = async (rows: InputRow[]) => {
        if (rows.length === 0) return;
        const probs = await scorer.scoreBatch(rows.map((r) => r.text));
        const perCompany = entities
          ? await entitySentiments(
              rows.map((r) => r.text),
              entities,
            )
          : undefined;
        const lines = rows.map((r, i) =>
          renderScored(r, probs, i, perCompany ? (perCompany[i] ?? []) : undefined),
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      };
      try {
        if (texts.length > 0) {
          await flush(texts.map((text) => ({ text })));
          return;
        }
        const batchSize = Math.max(1, Number(flags.batchSize) || 256);
        let rows: InputRow[] = [];
        let n = 0;
        let scored = 0;
        let skipped = 0;
        for await (const line of createInterface({
          input: process.stdin,
          crlfDelay: Number.POSITIVE_INFINITY,
        })) {
          n++;
          if (line.trim() === '') continue;
          // A bad line is named and skipped: the lines around it are still scored and printed.
          try {
            rows.push(parseLine(line, n));
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
            skipped++;
            process.stderr.write(`bellwether score-text: ${describeError(error)}\n`);
            continue;
          }
          if (rows.length >= batchSize) {
            await flush(rows);
            scored += rows.length;
            rows = [];
          }
        }
        await flush(rows);
        scored += rows.length;
        if (scored === 0) {
          throw new BellwetherError(
            'NOTHING_SCORED',
            skipped > 0
              ? `nothing scored: ${skipped} lines skipped`
              : 'nothing scored: no text on stdin',
          );
        }
        if (skipped > 0) {
          process.stderr.write(
            `bellwether score-text: ${scored} lines scored, ${skipped} skipped\n`,
          );
        }
      } finally {
        await scorer.close();
        await entities?.scorer.close();
      }
    });
}
