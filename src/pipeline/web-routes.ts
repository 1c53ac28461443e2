/** Starts the web server with the pipeline's own routes: Prometheus /metrics, liveness /health and readiness /ready. */
import type { ServerResponse } from 'node:http';
import type { WebConfig } from '../config/web.ts';
import type { Bus } from '../core/bus.ts';
import type { Clock } from '../core/clock.ts';
import type { EntitySentimentScorer } from '../core/entity-scorer.ts';
import type { Logger } from '../core/logger.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import type { Store } from '../core/store.ts';
import { startWebServer, type WebServer } from '../web/server.ts';
import type { PipelineProgress } from './drain.ts';
import { entityReadiness, entityReadyFields } from './entity-readiness.ts';
import type { PipelineMetrics } from './metrics.ts';

export interface PipelineWebDeps {
  config: WebConfig;
  store: Store;
  bus: Bus;
  scorer: Pick<SentimentScorer, 'healthcheck'>;
  /** Entity scoring's probe: reported in /ready, degrading but not failing it. */
  entities?: Pick<EntitySentimentScorer, 'healthcheck'> | undefined;
  clock: Clock;
  metrics: PipelineMetrics;
  progress: PipelineProgress;
  logger: Logger;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

export async function startPipelineWeb(deps: PipelineWebDeps): Promise<WebServer> {
  const { metrics, progress, bus, store, scorer } = deps;
  const entityCheck = entityReadiness(deps.entities);
  const checks = async () => {
    const [busHealth, storeHealth, scorerHealth, entityFields] = await Promise.all([
      bus.healthcheck().catch((error: Error) => ({ ok: false, detail: error.message })),
      store.healthcheck().catch((error: Error) => ({ ok: false, detail: error.message })),
      scorer.healthcheck().catch((error: Error) => ({ ok: false, detail: error.message })),
      entityReadyFields(entityCheck),
    ]);
    return {
      ok: busHealth.ok && storeHealth.ok && scorerHealth.ok,
      bus: busHealth,
      store: storeHealth,
      scorer: scorerHealth,
      ...entityFields,
    };
  };
  const server = await startWebServer({
    store,
    host: deps.config.host,
    port: deps.config.port,
    logger: deps.logger.child({ component: 'web' }),
    clock: deps.clock,
    snapshotIntervalMs: deps.config.snapshotIntervalMs,
    eventStreamsDropped: metrics.eventStreamsDropped,
    extraRoutes: {
      '/metrics': async (_req, res) => {
        metrics.syncStage('score', progress.score);
        metrics.syncStage('sink', progress.sink);
        metrics.syncIngested(progress.ingested());
        metrics.consumerLag.set(
          { stage: 'score' },
          Math.max(0, progress.ingested() - progress.score.received),
        );
        metrics.consumerLag.set(
          { stage: 'sink' },
          Math.max(0, progress.score.emitted - progress.sink.received),
        );
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
      // Liveness: the process serves requests. Readiness: its bus and store answer and its model scores
      // (entity scoring down only marks it degraded).
      '/health': (_req, res) => sendJson(res, 200, { ok: true }),
      '/ready': async (_req, res) => {
        const result = await checks();
        sendJson(res, result.ok ? 200 : 503, result);
      },
    },
  });
  deps.logger.info({ url: server.url }, 'dashboard ready');
  return server;
}
