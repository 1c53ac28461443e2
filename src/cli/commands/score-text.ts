/** `bellwether score-text`: texts as arguments, or JSONL on stdin, scored into JSONL (label, probabilities, score). */
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { BACKENDS } from '../../config/model.ts';
import { BellwetherError, DecodeError, describeError } from '../../core/errors.ts';
import { createContext } from '../context.ts';

interface ScoreFlags {
  model?: string;
  backend?: (typeof BACKENDS)[number];
  batchSize: string;
}

type InputRow = { text: string; id?: unknown };

const LABEL_NAMES = ['negative', 'neutral', 'positive'] as const;

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

function render(row: InputRow, probs: Float32Array, i: number): string {
  const p = [probs[i * 3] ?? 0, probs[i * 3 + 1] ?? 0, probs[i * 3 + 2] ?? 0] as const;
  const best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[2] > p[1] ? 2 : 1;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return JSON.stringify({
    ...(row.id === undefined ? {} : { id: row.id }),
    text: row.text,
    label: LABEL_NAMES[best],
    probs: { negative: round(p[0]), neutral: round(p[1]), positive: round(p[2]) },
    score: round(p[2] - p[0]),
  });
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
    .action(async (texts: string[], flags: ScoreFlags, command: Command) => {
      const { config, logger } = createContext(command);
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
        process.stdout.write(`${rows.map((r, i) => render(r, probs, i)).join('\n')}\n`);
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
      }
    });
}
