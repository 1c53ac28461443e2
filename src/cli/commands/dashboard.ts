/** `bellwether dashboard`: serves the built-in live dashboard and its JSON API over the configured store, without running the pipeline. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { untilAborted } from '../../core/until-aborted.ts';
import { createContext } from '../context.ts';
import { shutdownSignal } from '../signals.ts';

interface DashboardFlags {
  host?: string;
  port?: string;
  at?: string;
}

export function register(program: Command): void {
  program
    .command('dashboard')
    .description(
      'serve the live dashboard and JSON API over the stored data (no ingest, no scoring)',
    )
    .option('--host <addr>', 'address to bind (default: web.host, 127.0.0.1)')
    .option('--port <n>', 'port (default: web.port; 0 picks a free one)')
    .option(
      '--at <iso>',
      'pretend "now" is this instant, to look at a replayed or historical stream',
    )
    .addHelpText(
      'after',
      `
The embedded store's data dir is held by one process at a time: while \`bellwether run\` is running
it serves this dashboard itself; use this command against ClickHouse, or on a stopped embedded store.

Examples:
  bellwether dashboard                                 # http://127.0.0.1:8787
  bellwether dashboard --at 2026-03-02T12:00:00Z       # a replayed day, as of its end
  curl -s 'http://127.0.0.1:8787/api/v1/movers?window=1h&limit=5'`,
    )
    .action(async (flags: DashboardFlags, command: Command) => {
      const { config, logger } = createContext(command);
      const port = flags.port === undefined ? config.web.port : Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new UsageError(`--port must be an integer in 0..65535, got "${flags.port}"`);
      }
      const atMs = flags.at === undefined ? undefined : Date.parse(flags.at);
      if (atMs !== undefined && !Number.isFinite(atMs)) {
        throw new UsageError(`--at must be an ISO timestamp, got "${flags.at}"`);
      }
      const { createStore } = await import('../../store/create-store.ts');
      const { startWebServer } = await import('../../web/server.ts');
      const { PipelineMetrics } = await import('../../pipeline/metrics.ts');
      const { StageStartup } = await import('../../pipeline/stage-startup.ts');
      const metrics = new PipelineMetrics();
      const signal = shutdownSignal();
      const startup = new StageStartup('dashboard', logger, signal);
      const store = await createStore(config.store, { logger });
      const server = await startWebServer({
        store,
        host: flags.host ?? config.web.host,
        port,
        logger,
        clock: atMs === undefined ? undefined : { now: () => atMs },
        snapshotIntervalMs: config.web.snapshotIntervalMs,
        eventStreamsDropped: metrics.eventStreamsDropped,
        extraRoutes: {
          '/metrics': async (_req, res) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(await metrics.registry.metrics());
          },
          '/health': (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"ok":true}');
          },
          '/ready': async (_req, res) => {
            const [started, health] = await Promise.all([
              startup.check(),
              store.healthcheck().catch((error: Error) => ({ ok: false, detail: error.message })),
            ]);
            const ok = started.ok && health.ok;
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ok, startup: started, store: health }));
          },
        },
      });
      process.stderr.write(`dashboard on ${server.url}/ (Ctrl-C to stop)\n`);
      try {
        // Started before the store, the dashboard serves (not ready) and waits for it instead of exiting.
        if (await startup.connect('store', () => store.connect())) {
          startup.started();
          await untilAborted(signal);
        }
      } finally {
        await server.close();
        await store.close();
      }
    });
}
