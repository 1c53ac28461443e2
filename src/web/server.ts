/** The built-in dashboard's HTTP server (node:http): static page, JSON API, server-sent events, and routes mounted by the pipeline (/metrics, /health, /ready). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostCheck } from '../core/bound-host.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { describeError, isRetriable } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';
import { ApiError, createApi } from './api.ts';
import { EventHub } from './event-hub.ts';
import { sendError } from './http-util.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { isStaticPath, serveStatic } from './static-files.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface WebServerOptions {
  store: Store;
  /** Default 127.0.0.1: the dashboard has no authentication. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  logger: Logger;
  /** Where "now" comes from for every window; a replay passes its stream clock. */
  clock?: Clock;
  /** Exact-path GET routes served before the API, e.g. /metrics, /health, /ready. */
  extraRoutes?: Record<string, RouteHandler>;
  /** How often the event stream sends a snapshot. */
  snapshotIntervalMs?: number;
  /** Counts event streams dropped because their client stopped reading (the pipeline's prom-client counter). */
  eventStreamsDropped?: { inc(): void } | undefined;
}

export interface WebServer {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly port: number;
  /** Ends event streams and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ module: 'web' });
  const api = createApi(options.store, clock);
  const hub = new EventHub({
    api,
    clock,
    logger,
    intervalMs: options.snapshotIntervalMs ?? 2_000,
    dropped: options.eventStreamsDropped,
  });
  const extra = new Map(Object.entries(options.extraRoutes ?? {}));
  // Set in the same tick that listening starts (the port is known only then: 0 picks one), so before any request.
  let hostCheck: HostCheck | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    setSecurityHeaders(res);
    // The dashboard has no login: a page whose DNS name was rebound to this address must get nothing.
    const foreignHost = hostCheck?.refusal(req.headers.host);
    if (foreignHost !== undefined) return sendError(res, 403, foreignHost);
    const extraRoute = extra.get(path);
    if (extraRoute !== undefined) return extraRoute(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, `method ${req.method ?? '?'} not allowed`);
    }
    if (isStaticPath(path)) return serveStatic(path, res);
    if (path === '/api/v1/events') return hub.attach(req, res, url.searchParams);
    if (path.startsWith('/api/')) return api.handle(path, url.searchParams, res);
    return sendError(res, 404, `no route for ${path}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ApiError) {
        if (!res.headersSent) sendError(res, error.status, error.message);
        return;
      }
      logger.error({ err: describeError(error), url: req.url }, 'web request failed');
      // Details stay in the log: they can name hosts and credentials.
      if (res.headersSent) res.destroy();
      else if (isRetriable(error)) sendError(res, 503, 'store unavailable, retry shortly');
      else sendError(res, 500, 'internal error (see the server log)');
    });
  });
  // An SSE response stays open; without this a slow close would wait for the idle timeout.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  hostCheck = new HostCheck({ host: options.host ?? '127.0.0.1', port: address.port });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, 'dashboard listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Event streams and keep-alive sockets would otherwise hold close() for their timeouts.
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
