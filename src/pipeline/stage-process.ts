/**
 * Runs one stage as its own process (`bellwether score`, `bellwether sink`): serves /metrics (with its
 * consumer group's lag read from the bus), /health and /ready on its own port, logs progress, and on
 * SIGINT/SIGTERM stops fetching, finishes or abandons the batch in flight without committing it,
 * disconnects, and exits 0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Bus } from '../core/bus.ts';
import type { EntitySentimentScorer } from '../core/entity-scorer.ts';
import { describeError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { StageCounters } from '../core/stage-counters.ts';
import { sendError } from '../web/http-util.ts';
import { entityReadiness, entityReadyFields } from './entity-readiness.ts';
import type { PipelineMetrics } from './metrics.ts';

export interface StageProcessOptions {
  name: string;
  counters: StageCounters;
  metrics: PipelineMetrics;
  /** Probed by /ready (the alert engine passes a stand-in: it reads the store, not the bus). */
  bus: Pick<Bus, 'healthcheck'>;
  /** Extra readiness checks (the store, for the sink). */
  checks?: ReadonlyArray<() => Promise<Health>>;
  /** Entity scoring's probe (the score stage): reported in /ready, degrading but not failing it. */
  entities?: Pick<EntitySentimentScorer, 'healthcheck'> | undefined;
  host: string;
  /** 0 = no metrics/health server. */
  port: number;
  logger: Logger;
  /** Refreshes `counters` right before a scrape (for stages that keep their counts elsewhere). */
  beforeScrape?: () => void;
  /** The stage's input and consumer group: each scrape then sets bellwether_consumer_lag from the bus. */
  lag?: GroupLagSource;
}

export interface GroupLagSource {
  bus: Pick<Bus, 'lag'>;
  topic: string;
  group: string;
}

/** A scrape waits at most this long for the lag (Prometheus gives up on a scrape after 10 s by default). */
const LAG_TIMEOUT_MS = 2_000;

/**
 * Returns a refresh for the `bellwether_consumer_lag{stage}` gauge from the group's committed lag. A failing or
 * slow query never fails the scrape: the gauge keeps its last value (and stays unset until a query succeeds),
 * the first failure of a run is logged as a warning, repeats at debug, and a later success says so once.
 */
export function groupLagGauge(
  stage: string,
  source: GroupLagSource,
  metrics: PipelineMetrics,
  logger: Logger,
  timeoutMs = LAG_TIMEOUT_MS,
): () => Promise<void> {
  let failing = false;
  // One query at a time: scrapes arriving while the broker is slow share it rather than pile up.
  let inFlight: Promise<number> | undefined;
  return async () => {
    inFlight ??= source.bus.lag(source.topic, source.group).finally(() => {
      inFlight = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      const lag = await Promise.race([inFlight, timeout]);
      metrics.consumerLag.set({ stage }, lag);
      if (failing) logger.info({ stage, lag }, `${stage}: consumer lag readable again`);
      failing = false;
    } catch (error) {
      const fields = {
        stage,
        topic: source.topic,
        group: source.group,
        error: describeError(error),
      };
      const message = `${stage}: consumer lag query failed; bellwether_consumer_lag keeps its last value`;
      if (failing) logger.debug(fields, message);
      else logger.warn(fields, message);
      failing = true;
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function serveStageEndpoints(
  options: StageProcessOptions,
): Promise<Server | undefined> {
  if (options.port === 0) return undefined;
  const { metrics, counters, name, bus } = options;
  const refreshLag = options.lag
    ? groupLagGauge(name, options.lag, metrics, options.logger)
    : undefined;
  const entityCheck = entityReadiness(options.entities);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      options.beforeScrape?.();
      metrics.syncStage(name, counters);
      await refreshLag?.();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    if (path === '/ready') {
      const [results, entityFields] = await Promise.all([
        Promise.all(
          [() => bus.healthcheck(), ...(options.checks ?? [])].map((check) =>
            check().catch((error: Error) => ({ ok: false, detail: error.message })),
          ),
        ),
        entityReadyFields(entityCheck),
      ]);
      const ok = results.every((result) => result.ok);
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, checks: results, ...entityFields }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  };
  // The server does not await its handler: failures are owned here, logged, and answered (details stay in the log).
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error(
        { err: describeError(error), url: req.url },
        `${name}: ${req.url} failed`,
      );
      if (res.headersSent) res.destroy();
      else sendError(res, 500, 'internal error (see the server log)');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info(
    { url: `http://${options.host}:${port}/metrics` },
    `${name}: metrics and health endpoints up`,
  );
  return server;
}

/** Logs the stage's counters every `everyMs` while it runs. */
export function logProgress(
  name: string,
  counters: StageCounters,
  logger: Logger,
  everyMs = 10_000,
): () => void {
  let last = counters.received;
  const timer = setInterval(() => {
    if (counters.received === last) return;
    last = counters.received;
    logger.info(counters.snapshot(), `${name}: progress`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
