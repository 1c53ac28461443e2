/** `bellwether alerts check-rules|backtest`: validate a rules file, and run rules over a history with simulated time. */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { BacktestEvent, BacktestResult } from '../../alerts/backtest.ts';
import type { BacktestSource } from '../../alerts/backtest-history.ts';
import type { SectorGroups } from '../../alerts/selector.ts';
import { ConfigError, UsageError } from '../../core/errors.ts';
import { StageCounters } from '../../core/stage-counters.ts';
import { type CommandContext, createContext } from '../context.ts';
import { resolveStreamDir } from '../options.ts';

interface CheckFlags {
  watchlist?: string;
  json?: boolean;
}

interface BacktestFlags {
  rules?: string;
  scored?: string;
  replay?: string;
  fromStore?: boolean;
  from?: string;
  to?: string;
  step: string;
  watchlist?: string;
  headlines: boolean;
  json?: boolean;
}

/** The watchlist's sectors, from --watchlist or the configured file; none when neither exists. */
async function watchlistGroups(
  given: string | undefined,
  configured: string,
): Promise<{ groups?: SectorGroups; sectors?: string[] }> {
  const path = given ?? configured;
  if (!given && !existsSync(path)) return {};
  const { loadWatchlist } = await import('../../topics/watchlist.ts');
  const { sectorGroups } = await import('../../alerts/selector.ts');
  const watchlist = loadWatchlist(path);
  return {
    groups: sectorGroups(watchlist.companies),
    sectors: [...new Set(watchlist.companies.map((c) => c.sector))].sort(),
  };
}

function parseInstant(flag: string, value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag} must be an ISO-8601 time, got "${value}"`);
  return ms;
}

/**
 * The history to backtest over. One branch per source flag: `--replay <stream>` (score a stream with
 * the model) and `--from-store --since --until` slot in here, each returning a BacktestSource.
 */
async function openSource(flags: BacktestFlags, context: CommandContext): Promise<BacktestSource> {
  const given = [flags.scored, flags.replay, flags.fromStore].filter(Boolean).length;
  if (given !== 1) {
    throw new UsageError(
      'give one history: --scored <items.jsonl>, --replay <stream> or --from-store',
    );
  }
  if (flags.scored) {
    const { scoredJsonlSource } = await import('../../alerts/backtest-history.ts');
    return scoredJsonlSource(flags.scored);
  }
  const { replayScoredSource, storeSource } = await import(
    '../../pipeline/backtest-replay-or-store.ts'
  );
  if (flags.replay)
    return replayScoredSource(resolveStreamDir(flags.replay), context.config, context.logger);
  return storeSource(context.config, context.logger);
}

const pct = (v: string | undefined): string =>
  v === undefined || !Number.isFinite(Number(v)) ? 'n/a' : `${(Number(v) * 100).toFixed(1)}%`;

function eventLine(e: BacktestEvent): string {
  const v = e.values;
  const numbers = [
    v.count !== undefined ? `n=${v.count}` : '',
    v.share !== undefined ? `share=${pct(v.share)}` : '',
    v.lower_bound !== undefined ? `lb=${pct(v.lower_bound)}` : '',
    v.baseline_share !== undefined ? `baseline=${pct(v.baseline_share)}` : '',
    v.confirm_count !== undefined ? `confirm=${v.confirm_count}@${pct(v.confirm_share)}` : '',
    v.z !== undefined ? `z=${Number(v.z).toFixed(2)}` : '',
    v.mean_score !== undefined ? `mean=${Number(v.mean_score).toFixed(2)}` : '',
    v.baseline_mean_score !== undefined
      ? `baselineMean=${Number(v.baseline_mean_score).toFixed(2)}`
      : '',
  ].filter((s) => s !== '');
  return `${e.at}  ${e.event.toUpperCase().padEnd(8)} ${e.rule.padEnd(24)} ${`${e.topic.kind}:${e.topic.key}`.padEnd(32)} ${numbers.join(' ')}`;
}

function printReport(result: BacktestResult, source: BacktestSource): void {
  const out = process.stdout;
  out.write(
    `backtest ${new Date(result.fromMs).toISOString()} → ${new Date(result.toMs).toISOString()}, ${result.evaluations} evaluations, ${source.description}\n`,
  );
  if (source.skipped.length > 0)
    out.write(`skipped ${source.skipped.length} unusable lines (first: ${source.skipped[0]})\n`);
  for (const e of result.events) out.write(`${eventLine(e)}\n`);
  const firings = result.events.filter((e) => e.event === 'firing').length;
  out.write(`${firings} firing, ${result.events.length - firings} resolved`);
  out.write(
    result.stillFiring.length > 0
      ? `, ${result.stillFiring.length} still firing at the end\n`
      : '\n',
  );
}

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules: run the engine, validate rules, backtest them over history');

  alerts
    .command('run')
    .description(
      'run the alert engine alone: evaluate the rules on a schedule against the store, notify',
    )
    .addOption(
      new Option('--store <type>', 'override store.type').choices(['embedded', 'clickhouse']),
    )
    .option('--port <port>', 'metrics/health port (0 = none)', '9467')
    .addHelpText(
      'after',
      `
Evaluates on alerts.evaluateCron (default every 15 s) against the store's rollup; state lives in the store,
so a restart neither forgets nor re-fires. Notifiers come from alerts.notifiers.

Example:
  bellwether alerts run --store clickhouse`,
    )
    .action(
      async (flags: { store?: 'embedded' | 'clickhouse'; port: string }, command: Command) => {
        const { config, logger } = createContext(command, () => {}, {
          BELLWETHER_STORE: flags.store,
        });
        const [
          { createStageStore },
          { createAlertEngine },
          { storeDataSource },
          { PipelineMetrics },
          stageProcess,
          { shutdownSignal },
          { untilAborted },
          { StageStartup },
        ] = await Promise.all([
          import('../../pipeline/components.ts'),
          import('../../alerts/create-engine.ts'),
          import('../../alerts/store-data-source.ts'),
          import('../../pipeline/metrics.ts'),
          import('../../pipeline/stage-process.ts'),
          import('../signals.ts'),
          import('../../core/until-aborted.ts'),
          import('../../pipeline/stage-startup.ts'),
        ]);
        const signal = shutdownSignal((name) => logger.info(`${name}: stopping the alert engine`));
        const startup = new StageStartup('alerts', logger, signal);
        const store = await createStageStore(config.store, logger);
        const metrics = new PipelineMetrics();
        const live = createAlertEngine({
          config: config.alerts,
          watchlistPath: config.topics.watchlist,
          dataSource: storeDataSource(store),
          stateStore: store,
          clock: { now: () => Date.now() },
          logger,
          extraSinks: [
            {
              name: 'metrics',
              onEvaluation: (outcome) => {
                metrics.alertEvaluations.inc();
                for (const transition of outcome.transitions)
                  metrics.alertTransitions.inc({ to: transition.to });
              },
            },
          ],
        });
        const server = await stageProcess.serveStageEndpoints({
          name: 'alerts',
          counters: new StageCounters(),
          metrics,
          bus: {
            healthcheck: async () => ({
              ok: true,
              detail: 'no bus: the alert engine reads the store',
            }),
          },
          checks: [startup.check, () => store.healthcheck()],
          host: config.web.host,
          port: Number(flags.port),
          logger,
        });
        try {
          // Started before the store, the engine waits for it (not ready) instead of exiting.
          if (await startup.connect('store', () => store.connect())) {
            await live.start();
            startup.started();
            logger.info(
              { schedule: config.alerts.evaluateCron, rules: config.alerts.rulesFile },
              'alerts: evaluating',
            );
            await untilAborted(signal);
            await live.stop();
          }
        } finally {
          await store.close();
          server?.close();
        }
      },
    );

  alerts
    .command('check-rules')
    .description(
      'validate a rules file and list every problem with its rule, field and line:column',
    )
    .argument('[file]', 'rules file (default: alerts.rulesFile from config)')
    .option(
      '--watchlist <file>',
      'check sector names against this watchlist (default: topics.watchlist)',
    )
    .option('--json', 'print {ok, rules, problems} as JSON')
    .action(async (file: string | undefined, flags: CheckFlags, command: Command) => {
      const { config } = createContext(command);
      const path = file ?? config.alerts.rulesFile;
      const { loadRules } = await import('../../alerts/rules-file.ts');
      const { sectors } = await watchlistGroups(flags.watchlist, config.topics.watchlist);
      try {
        const rules = loadRules(path, { knownSectors: sectors });
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ ok: true, file: path, rules: rules.rules.map((r) => r.name), problems: [] })}\n`,
          );
        } else {
          process.stdout.write(
            `${path}: ${rules.rules.length} rules OK (${rules.rules.map((r) => r.name).join(', ')})\n`,
          );
        }
      } catch (error) {
        if (!(error instanceof ConfigError) || !flags.json) throw error;
        process.stdout.write(
          `${JSON.stringify({ ok: false, file: path, rules: [], problems: error.problems })}\n`,
        );
        process.exitCode = 2;
      }
    });

  alerts
    .command('backtest')
    .description(
      'run alert rules over a history with simulated time; print each firing and resolution',
    )
    .option('--rules <file>', 'rules file (default: alerts.rulesFile from config)')
    .option('--scored <file>', 'history: JSON Lines of scored items (ScoredItem)')
    .option('--replay <stream>', 'history: a stream directory, scored by the model in memory')
    .option('--from-store', 'history: the configured store (with --from/--to)')
    .option('--from <iso>', 'first evaluation (default: first item + the longest rule window)')
    .option('--to <iso>', 'last evaluation (default: an hour after the last item)')
    .option('--step <duration>', 'evaluation interval, e.g. 1m, 30s', '1m')
    .option('--watchlist <file>', 'watchlist for sector selectors (default: topics.watchlist)')
    .option('--no-headlines', 'skip headline lookups for annotations (faster)')
    .option('--json', 'print one JSON object: events, still-firing alerts, skipped lines')
    .addHelpText(
      'after',
      `
Examples:
  bellwether alerts backtest --scored scored.jsonl
  bellwether alerts backtest --replay fixtures/streams/shock-tsla
  bellwether alerts backtest --from-store --from 2026-03-10T00:00:00Z --to 2026-03-11T00:00:00Z
  bellwether alerts backtest --rules config/rules.yaml --scored scored.jsonl --step 30s --json | jq .events`,
    )
    .action(async (flags: BacktestFlags, command: Command) => {
      const context = createContext(command);
      const { config } = context;
      const { parseDuration } = await import('../../core/duration.ts');
      const stepMs = parseDuration(flags.step);
      if (stepMs === undefined || stepMs <= 0)
        throw new UsageError(`--step must be a duration such as 1m, got "${flags.step}"`);
      const { loadRules } = await import('../../alerts/rules-file.ts');
      const { backtest } = await import('../../alerts/backtest.ts');
      const { groups, sectors } = await watchlistGroups(flags.watchlist, config.topics.watchlist);
      const rules = loadRules(flags.rules ?? config.alerts.rulesFile, { knownSectors: sectors });
      const source = await openSource(flags, context);
      try {
        const longest = Math.max(0, ...rules.rules.map((r) => r.detector.window));
        const span = source.span;
        const fromMs = flags.from
          ? parseInstant('--from', flags.from)
          : span
            ? span.fromMs + longest
            : undefined;
        const toMs = flags.to
          ? parseInstant('--to', flags.to)
          : span
            ? span.toMs + 3_600_000
            : undefined;
        if (fromMs === undefined || toMs === undefined)
          throw new UsageError('the history is empty; give --from and --to');
        const align = (ms: number) => Math.ceil(ms / stepMs) * stepMs;
        const result = await backtest(rules, source.dataSource, {
          fromMs: align(fromMs),
          toMs,
          stepMs,
          groups,
          headlineLimit: flags.headlines ? 3 : 0,
        });
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ source: source.description, skipped: source.skipped, ...result })}\n`,
          );
        } else {
          printReport(result, source);
        }
      } finally {
        await source.close?.();
      }
    });
}
