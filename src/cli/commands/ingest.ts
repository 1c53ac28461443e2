/** `bellwether ingest`: runs the configured feed pollers (and the HTTP push endpoint) onto the bus until stopped. */
import type { Command } from 'commander';
import type { FeedConfig } from '../../config/ingest.ts';
import { feedConfigSchema } from '../../config/ingest.ts';
import { UsageError } from '../../core/errors.ts';
import { untilAborted } from '../../core/until-aborted.ts';
import type { LiveSources } from '../../ingest/live-sources.ts';
import { createContext } from '../context.ts';
import { shutdownSignal } from '../signals.ts';

interface IngestFlags {
  feed: string[];
  interval?: string;
  http?: boolean;
  httpPort?: string;
  once?: boolean;
  json?: boolean;
  port: string;
}

/** `name=url` from the command line → a feed with the configured defaults. */
function parseFeedFlag(value: string, intervalSec: number | undefined): FeedConfig {
  const eq = value.indexOf('=');
  const [name, url] = eq > 0 ? [value.slice(0, eq), value.slice(eq + 1)] : [undefined, value];
  const derived = name ?? (URL.canParse(url) ? new URL(url).hostname : url);
  const parsed = feedConfigSchema.safeParse({
    name: derived,
    url,
    ...(intervalSec ? { intervalSec } : {}),
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UsageError(`--feed ${value}: ${issues}`);
  }
  return parsed.data;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'poll the configured RSS/Atom feeds (and serve HTTP push if enabled) onto the bus until Ctrl-C',
    )
    .option(
      '--feed <name=url>',
      "add a feed (repeatable); its name becomes the items' source",
      (v, all: string[]) => [...all, v],
      [],
    )
    .option('--interval <sec>', 'poll interval for --feed feeds (default 300)')
    .option('--http', 'serve POST /v1/items even if ingest.http.enabled is false')
    .option('--http-port <port>', 'port for the push endpoint (0 = any free port)')
    .option('--once', 'poll every feed once, print what each gave, and exit')
    .option('--port <port>', 'metrics/health port (0 = none)', '9463')
    .option('--json', 'with --once: print one JSON object on stdout')
    .addHelpText(
      'after',
      `
Feeds come from the config file (ingest.feeds: name, url, intervalSec, jitterPct, timeoutMs) plus --feed.
Each feed is polled on its own jittered interval with conditional requests (ETag / Last-Modified); a failing
feed backs off exponentially (ingest.poll.backoffInitialSec … backoffMaxSec) without affecting the others.
SIGINT/SIGTERM stop polling, finish what is being published, close the bus and exit 0.

Examples:
  bellwether ingest                                     # feeds from the config file
  bellwether ingest --feed sec=https://example.com/sec.rss --interval 120
  bellwether ingest --http --http-port 8788             # then: curl -H 'content-type: application/json' -d '{"title":"…"}' localhost:8788/v1/items
  bellwether ingest --once --json --feed https://example.com/news.atom`,
    )
    .action(async (flags: IngestFlags, command: Command) => {
      const interval = flags.interval === undefined ? undefined : Number(flags.interval);
      if (interval !== undefined && (!Number.isInteger(interval) || interval < 10)) {
        throw new UsageError(
          `--interval must be a whole number of seconds ≥ 10, got "${flags.interval}"`,
        );
      }
      const extraFeeds = flags.feed.map((f) => parseFeedFlag(f, interval));
      const port = flags.httpPort === undefined ? undefined : Number(flags.httpPort);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
        throw new UsageError(`--http-port must be a port number, got "${flags.httpPort}"`);
      }
      const { config, logger } = createContext(command, (c) => {
        c.ingest.feeds.push(...extraFeeds);
        if (port !== undefined) c.ingest.http.port = port;
        if (flags.http) c.ingest.http.enabled = true;
      });
      const names = new Set<string>();
      for (const feed of config.ingest.feeds) {
        if (names.has(feed.name))
          throw new UsageError(`two feeds are named "${feed.name}"; names must be unique`);
        names.add(feed.name);
      }
      if (flags.once) return pollOnce(config.ingest.feeds, flags.json === true, command);
      if (config.ingest.feeds.length === 0 && !config.ingest.http.enabled) {
        throw new UsageError(
          'nothing to ingest: add feeds (ingest.feeds in the config, or --feed name=url) or enable HTTP push (--http)',
        );
      }
      const [
        { createBus },
        { startLiveSources },
        { PipelineMetrics },
        { StageCounters },
        { serveStageEndpoints },
        { StageStartup },
      ] = await Promise.all([
        import('../../bus/create-bus.ts'),
        import('../../ingest/live-sources.ts'),
        import('../../pipeline/metrics.ts'),
        import('../../core/stage-counters.ts'),
        import('../../pipeline/stage-process.ts'),
        import('../../pipeline/stage-startup.ts'),
      ]);
      const signal = shutdownSignal((name) => logger.info(`${name}: draining and stopping`));
      const startup = new StageStartup('ingest', logger, signal);
      const bus = createBus(config.bus, logger);
      const counters = new StageCounters();
      let sources: LiveSources | undefined;
      const server = await serveStageEndpoints({
        name: 'ingest',
        counters,
        metrics: new PipelineMetrics(),
        bus,
        checks: [startup.check],
        host: config.web.host,
        port: Number(flags.port),
        logger,
        beforeScrape: () => {
          if (!sources) return;
          const polled = sources.scheduler?.status().reduce((sum, s) => sum + s.published, 0) ?? 0;
          counters.emitted = polled + (sources.push?.counters.accepted ?? 0);
        },
      });
      try {
        // Started before the broker, ingest waits for it (not ready) instead of exiting.
        if (await startup.connect('bus', () => bus.connect())) {
          sources = await startLiveSources({
            ingest: config.ingest,
            bus,
            topic: config.bus.topics.raw,
            logger,
          });
          startup.started();
          logger.info(
            `ingesting onto ${config.bus.type} bus topic ${config.bus.topics.raw}; Ctrl-C to stop`,
          );
          await untilAborted(signal);
          await sources.stop();
          const published =
            sources.scheduler?.status().reduce((sum, s) => sum + s.published, 0) ?? 0;
          logger.info(
            { feedItems: published, pushed: sources.push?.counters.accepted ?? 0 },
            'ingest stopped',
          );
        }
      } finally {
        server?.close();
        await bus.close();
      }
    });

  async function pollOnce(
    feeds: readonly FeedConfig[],
    json: boolean,
    command: Command,
  ): Promise<void> {
    if (feeds.length === 0)
      throw new UsageError('--once needs feeds (ingest.feeds in the config, or --feed)');
    const { config, logger } = createContext(command, (c) => {
      c.ingest.feeds = [...feeds];
    });
    const [{ createBus }, { FeedPoller }, { describeError }] = await Promise.all([
      import('../../bus/create-bus.ts'),
      import('../../ingest/rss/feed-poller.ts'),
      import('../../core/errors.ts'),
    ]);
    const bus = createBus(config.bus, logger);
    await bus.connect();
    const results: Array<Record<string, unknown>> = [];
    try {
      const deps = {
        bus,
        topic: config.bus.topics.raw,
        poll: config.ingest.poll,
        clock: { now: () => Date.now() },
      };
      // Feeds are independent: one failing does not stop the others.
      await Promise.all(
        feeds.map(async (feed) => {
          try {
            const result = await new FeedPoller(feed, deps).poll();
            results.push({ feed: feed.name, ...result });
          } catch (error) {
            results.push({ feed: feed.name, status: 'error', error: describeError(error) });
          }
        }),
      );
    } finally {
      await bus.close();
    }
    results.sort((a, b) => String(a.feed).localeCompare(String(b.feed)));
    if (json) {
      process.stdout.write(`${JSON.stringify({ feeds: results })}\n`);
    } else {
      for (const r of results) {
        const line =
          r.status === 'ok'
            ? `${r.feed}: ${r.published} published, ${r.rejected} rejected, ${(r.problems as unknown[]).length} problem(s)`
            : r.status === 'error'
              ? `${r.feed}: failed: ${r.error}`
              : `${r.feed}: ${r.status}`;
        process.stdout.write(`${line}\n`);
      }
    }
    if (results.some((r) => r.status === 'error')) process.exitCode = 1;
  }
}
