/** `bellwether backfill`: score a history file/directory, or re-score stored history with another model, into the store. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { BellwetherError, UsageError } from '../../core/errors.ts';
import type { NewsItem } from '../../core/news.ts';
import type { Store } from '../../core/store.ts';
import type { IngestProblem } from '../../ingest/common/problems.ts';
import { entitySummaryText } from '../../pipeline/entity-summary.ts';
import { createContext } from '../context.ts';
import { parsePositiveInt } from '../options.ts';
import { problemLine } from '../problem-lines.ts';
import { progressLine } from '../progress.ts';
import { shutdownSignal } from '../signals.ts';

interface BackfillFlags {
  input?: string;
  fromStore?: boolean;
  since?: string;
  until?: string;
  model?: string;
  store?: 'embedded' | 'clickhouse';
  batchSize: string;
  json?: boolean;
}

function parseInstant(flag: string, value: string | undefined): number {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag} must be an ISO date or date-time, got "${value ?? ''}"`);
  return ms;
}

/** Stored items of [fromMs, toMs) as NewsItems, paged by keyset so memory stays flat. */
async function* storedHistory(
  store: Store,
  fromMs: number,
  toMs: number,
  pageSize: number,
): AsyncGenerator<NewsItem[]> {
  let after: { publishedMs: number; id: string } | undefined;
  for (;;) {
    const page = await store.scanItems({ fromMs, toMs, limit: pageSize, after });
    if (page.length === 0) return;
    yield page.map(({ id, source, url, title, summary, publishedAt, fetchedAt, lang }) => ({
      id,
      source,
      title,
      publishedAt,
      fetchedAt,
      ...(url === undefined ? {} : { url }),
      ...(summary === undefined ? {} : { summary }),
      ...(lang === undefined ? {} : { lang }),
    }));
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    after = { publishedMs: Date.parse(last.publishedAt), id: last.id };
  }
}

export function register(program: Command): void {
  program
    .command('backfill')
    .description(
      'score history in large batches straight into the store (a file/dir, or stored items with another model)',
    )
    .option('--input <path>', 'JSONL or CSV file, or a directory of RSS/Atom/JSONL files')
    .option(
      '--from-store',
      're-score items already in the store (with --since/--until, usually with --model)',
    )
    .option('--since <iso>', 'with --from-store: start of the period (inclusive)')
    .option('--until <iso>', 'with --from-store: end of the period (exclusive)')
    .option(
      '--model <dir>',
      'model directory (default model.path); a new model keeps its own rows beside the old',
    )
    .addOption(
      new Option('--store <type>', 'override store.type').choices(['embedded', 'clickhouse']),
    )
    .option('--batch-size <n>', 'texts per model call', '256')
    .option('--json', 'print the final counts as one JSON line on stdout')
    .addHelpText(
      'after',
      `
Both model versions stay queryable: every stored row carries its modelVersion, and queries default to
the most recently scored version. Re-running a backfill is harmless (already stored items are skipped).

Examples:
  bellwether backfill --input archive/2025-headlines.jsonl
  bellwether backfill --input fixtures/streams/calm-day
  bellwether backfill --from-store --since 2026-03-01 --until 2026-04-01 --model models/next`,
    )
    .action(async (flags: BackfillFlags, command: Command) => {
      if (Boolean(flags.input) === Boolean(flags.fromStore)) {
        throw new UsageError('give exactly one of --input <path> or --from-store');
      }
      const batchSize = parsePositiveInt('--batch-size', flags.batchSize);
      const range = flags.fromStore
        ? {
            fromMs: parseInstant('--since', flags.since),
            toMs: parseInstant('--until', flags.until),
          }
        : undefined;
      const { config, logger } = createContext(
        command,
        (c) => {
          if (flags.model) c.model.path = flags.model;
        },
        { BELLWETHER_STORE: flags.store },
      );
      const [{ openEntities, openStore, openScorer, openTopics }, { backfill }, { readHistory }] =
        await Promise.all([
          import('../../pipeline/components.ts'),
          import('../../scoring/backfill.ts'),
          import('../../ingest/backfill/read-history.ts'),
        ]);
      const signal = shutdownSignal((name) =>
        logger.info(`${name}: stopping after the chunk in flight`),
      );
      const topics = openTopics(config.topics, logger);
      const entityScoring = await openEntities(
        config.scoring.entities,
        config.model.backend,
        topics,
        logger,
      );
      const scorer = await openScorer(config.model, logger);
      const store = await openStore(config.store, logger);
      const reader = flags.input ? readHistory(flags.input) : undefined;
      const line = progressLine('backfill', 'items');
      // Every unreadable file, rejected line and repaired entry is listed as it is met, and in the summary.
      const problems: IngestProblem[] = [];
      const chunks: AsyncIterable<readonly NewsItem[]> = reader
        ? (async function* () {
            for await (const chunk of reader) {
              for (const problem of chunk.problems) {
                problems.push(problem);
                line.show(`  ${problemLine(problem)}`, undefined, true);
              }
              yield chunk.items;
            }
          })()
        : storedHistory(store, range?.fromMs ?? 0, range?.toMs ?? 0, 2_000);
      const total = range ? (await store.itemCount()) || undefined : undefined;
      const started = performance.now();
      try {
        const result = await backfill({
          chunks,
          scoring: {
            scorer,
            topics,
            clock: systemClock,
            logger,
            entityScoring,
          },
          store,
          batchSize,
          signal,
          onProgress: (p) => {
            const estimate =
              reader && reader.progress.bytesTotal > 0
                ? Math.round(
                    p.read / Math.max(1e-9, reader.progress.bytesDone / reader.progress.bytesTotal),
                  )
                : total;
            line.update(p.scored, estimate, `${p.inserted} new, ${p.duplicates} already stored`);
          },
          onFailed: (item, reason) => logger.warn({ id: item.id, reason }, 'not scored'),
        });
        const seconds = (performance.now() - started) / 1000;
        const summary = {
          ...result,
          rejected: reader?.progress.rejected ?? 0,
          inputDuplicates: reader?.progress.duplicates ?? 0,
          modelVersion: scorer.modelVersion,
          seconds: Number(seconds.toFixed(2)),
          itemsPerSecond: seconds > 0 ? Math.round(result.scored / seconds) : null,
          problems,
        };
        const listed = problems.length > 0 ? `, ${problems.length} problems (listed above)` : '';
        const entities = entitySummaryText(result.entities);
        line.finish(
          `backfill ${result.aborted ? 'stopped' : 'done'}: ${result.scored} scored with ${scorer.modelVersion} (${summary.itemsPerSecond} items/s), ${result.inserted} new, ${result.duplicates} already stored, ${result.failed} failed, ${summary.rejected} rejected input${listed}${entities === undefined ? '' : `; ${entities}`}`,
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        if (result.read === 0 && !result.aborted) {
          throw new BellwetherError(
            'BACKFILL_EMPTY',
            flags.input
              ? `nothing to backfill: no item could be read from ${flags.input}${problems.length > 0 ? ` (${problems.length} problems listed above)` : ''}`
              : `nothing to backfill: the store holds no item from ${flags.since} until ${flags.until}`,
          );
        }
      } finally {
        await scorer.close();
        await entityScoring?.scorer.close();
        await store.close();
      }
    });
}
