/** `bellwether top`: the most negative and most positive topics over a window, with their counts and change. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { parseDuration } from '../../core/duration.ts';
import { UsageError } from '../../core/errors.ts';
import { TOPIC_KINDS, type TopicKind } from '../../core/news.ts';
import type { TopicMove } from '../../core/store.ts';
import { createContext } from '../context.ts';
import { parsePositiveInt } from '../options.ts';

interface TopFlags {
  window: string;
  at?: string;
  limit: string;
  minCount: string;
  kind?: TopicKind[];
  store?: 'embedded' | 'clickhouse';
  json?: boolean;
}

const percent = (share: number | null) =>
  share === null ? '   –  ' : `${(share * 100).toFixed(1).padStart(5)}%`;
const signed = (value: number | null, digits = 2) =>
  value === null ? '   –' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

function table(title: string, moves: readonly TopicMove[]): string[] {
  if (moves.length === 0) return [title, '  (none)'];
  const width = Math.max(...moves.map((move) => `${move.kind}:${move.key}`.length));
  return [
    title,
    `  ${'topic'.padEnd(width)}  items  negative  mean score  Δ neg share`,
    ...moves.map(
      (move) =>
        `  ${`${move.kind}:${move.key}`.padEnd(width)}  ${String(move.count).padStart(5)}  ${percent(move.negativeShare)}    ${signed(move.meanScore).padStart(6)}      ${signed(move.negativeShareChange === null ? null : move.negativeShareChange * 100, 1)} pts`,
    ),
  ];
}

export function register(program: Command): void {
  program
    .command('top')
    .description(
      'print the most negative and most positive topics over a window, with counts and change',
    )
    .option('--window <duration>', 'window length, e.g. 30m, 1h, 1d', '1h')
    .option(
      '--at <iso>',
      'end of the window (default: now, or the latest stored item if that is earlier)',
    )
    .option('--limit <n>', 'topics per list', '10')
    .option('--min-count <n>', 'leave out topics with fewer items in the window', '3')
    .addOption(new Option('--kind <kind...>', 'only these topic kinds').choices([...TOPIC_KINDS]))
    .addOption(
      new Option('--store <type>', 'override store.type').choices(['embedded', 'clickhouse']),
    )
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  bellwether top --window 1h\n  bellwether top --window 1d --kind sector --json',
    )
    .action(async (flags: TopFlags, command: Command) => {
      const windowMs = parseDuration(flags.window);
      if (!windowMs)
        throw new UsageError(
          `--window must be a duration like 30m, 1h or 1d, got "${flags.window}"`,
        );
      const limit = parsePositiveInt('--limit', flags.limit);
      const minCount = parsePositiveInt('--min-count', flags.minCount);
      const { config, logger } = createContext(command, () => {}, {
        BELLWETHER_STORE: flags.store,
      });
      const { openStore } = await import('../../pipeline/components.ts');
      const store = await openStore(config.store, logger);
      try {
        let nowMs = flags.at === undefined ? Date.now() : Date.parse(flags.at);
        if (!Number.isFinite(nowMs))
          throw new UsageError(`--at must be an ISO date-time, got "${flags.at}"`);
        if (flags.at === undefined) {
          const latest = (await store.stats()).lastPublishedAt;
          if (latest && Date.parse(latest) < nowMs) nowMs = Date.parse(latest) + 1;
        }
        const movers = await store.topMovers({
          windowMs,
          nowMs,
          limit,
          minCount,
          kinds: flags.kind,
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(movers)}\n`);
          return;
        }
        const lines = [
          `${new Date(movers.fromMs).toISOString()} → ${new Date(movers.toMs).toISOString()} (${flags.window}), model ${movers.modelVersion ?? '–'}`,
          ...table('most negative', movers.negative),
          ...table('most positive', movers.positive),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
