/** `bellwether run` (what `npm start` runs): every stage in one process — sources, scorer, sink, alerts, dashboard. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { describeError } from '../../core/errors.ts';
import { entitySummaryText } from '../../pipeline/entity-summary.ts';
import type { RunSummary } from '../../pipeline/pipeline.ts';
import { createContext } from '../context.ts';
import { parseSpeed, resolveStreamDir } from '../options.ts';
import { shutdownSignal } from '../signals.ts';

interface RunFlags {
  replay?: string;
  speed?: string;
  demo: boolean;
  untilDrained?: boolean;
  json?: boolean;
  bus?: 'memory' | 'kafka';
  store?: 'embedded' | 'clickhouse';
  web: boolean;
  port?: string;
}

/** The human summary `run --until-drained` prints (entity scoring's line only when it is on). */
export function summaryLines(summary: RunSummary): string[] {
  const entities = entitySummaryText(summary.entities);
  return [
    `ingested ${summary.ingested}, scored ${summary.scored}, stored ${summary.stored} (${summary.inserted} new, ${summary.duplicates} already stored), DLQ ${summary.dlq}`,
    `model ${summary.modelVersion} on ${summary.backend}, ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    ...(entities === undefined ? [] : [entities]),
    `alerts fired: ${summary.alertsFired}${summary.alertsFired > summary.alerts.length ? ` (the latest ${summary.alerts.length} listed)` : ''}`,
    ...summary.alerts.map(
      (alert) =>
        `  ${alert.firedAt}  ${alert.severity.padEnd(8)} ${alert.rule}  ${alert.topic.kind}:${alert.topic.key}${alert.resolvedAt ? `  (resolved ${alert.resolvedAt})` : ''}`,
    ),
  ];
}

function printSummary(summary: RunSummary, json: boolean): void {
  const text = json ? JSON.stringify(summary) : summaryLines(summary).join('\n');
  process.stdout.write(`${text}\n`);
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'run the whole pipeline in one process: sources → scorer → sink → store, alerts and the dashboard',
    )
    .option(
      '--replay <stream>',
      'replay this stream directory (e.g. fixtures/streams/shock-tsla) instead of the configured sources',
    )
    .option('--speed <N|max>', 'replay time compression, or max (default: ingest.demo.speed, 60)')
    .option('--no-demo', 'do not replay the bundled demo stream when no feed is configured')
    .option(
      '--until-drained',
      'exit once the replayed stream is fully stored and alerts evaluated, printing a summary',
    )
    .option('--json', 'with --until-drained: print the summary as one JSON line on stdout')
    .addOption(new Option('--bus <type>', 'override bus.type').choices(['memory', 'kafka']))
    .addOption(
      new Option('--store <type>', 'override store.type').choices(['embedded', 'clickhouse']),
    )
    .option('--no-web', 'do not serve the dashboard, API and metrics')
    .option('--port <port>', 'dashboard/API port (default web.port, 8787)')
    .addHelpText(
      'after',
      `
With no feed configured and no --replay, run replays the bundled demo stream (fixtures/streams/demo,
a day of news with two shocks) at 60x and keeps running; configured feeds replace it (or join it with
ingest.demo.alwaysReplayDemo). Ctrl-C drains what is in flight and exits 0; a replay that fails is logged
with its stream, what is in flight drains, and run exits 1.

Examples:
  bellwether run                                                     # npm start
  bellwether run --replay fixtures/streams/shock-tsla --speed max --until-drained --json
  bellwether run --bus kafka --store clickhouse                      # distributed engines, one process`,
    )
    .action(async (flags: RunFlags, command: Command) => {
      const { config, logger } = createContext(
        command,
        (c) => {
          if (!flags.web) c.web.enabled = false;
        },
        {
          BELLWETHER_BUS: flags.bus,
          BELLWETHER_STORE: flags.store,
          BELLWETHER_WEB_PORT: flags.port,
        },
      );
      const demo = config.ingest.demo;
      const feedsConfigured = config.ingest.feeds.length > 0;
      const replayDir = flags.replay
        ? resolveStreamDir(flags.replay)
        : flags.demo && demo.enabled && (!feedsConfigured || demo.alwaysReplayDemo)
          ? resolveStreamDir(demo.stream)
          : undefined;
      if (flags.untilDrained && !replayDir) {
        logger.warn(
          '--until-drained has nothing to drain without a replay; running until interrupted',
        );
      }
      const speed = flags.speed ? parseSpeed(flags.speed) : demo.speed;
      const { Pipeline } = await import('../../pipeline/pipeline.ts');
      const pipeline = new Pipeline({
        config,
        logger,
        replay: replayDir
          ? {
              dir: replayDir,
              speed,
              fastForwardMs: flags.replay ? 0 : demo.fastForwardMinutes * 60_000,
            }
          : undefined,
        // An explicit --replay runs alone; otherwise configured feeds and HTTP push run (beside the demo, if on).
        live: !flags.replay && (feedsConfigured || config.ingest.http.enabled),
      });
      const signal = shutdownSignal((name) =>
        logger.info(`${name}: draining and stopping (again to force)`),
      );
      try {
        await pipeline.start();
        if (flags.untilDrained && replayDir) {
          await pipeline.untilDrained(signal);
        } else {
          await pipeline.untilStopped(signal);
        }
      } catch (error) {
        logger.error({ err: describeError(error) }, 'pipeline failed');
        await pipeline.stop().catch(() => undefined);
        throw error;
      }
      await pipeline.stop();
      if (flags.untilDrained || flags.json) printSummary(pipeline.summary(), flags.json === true);
      else logger.info(pipeline.summary(), 'stopped');
    });
}
