/** Server-sent events for the live page: one timer, a snapshot per tick shared by every connection, plus each connection's own topic series and unseen alerts. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertTransition } from '../core/alert.ts';
import type { Clock } from '../core/clock.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicRef } from '../core/store.ts';
import { type Api, ApiError, parseOrThrow } from './api.ts';
import { eventsQuerySchema, searchParamsObject } from './api-params.ts';
import type {
  HeadlineRow,
  MoversResponse,
  Snapshot,
  Summary,
  TopicSeriesResponse,
} from './dashboard-types.ts';

interface Connection {
  res: ServerResponse;
  topics: TopicRef[];
  windowMs: number;
  bucketMs: number | undefined;
  /** Identities of the transitions in the feed last sent. */
  seenAlerts: Set<string>;
  /** Consecutive ticks the client's socket was still full from an earlier event. */
  stalledTicks: number;
}

interface SharedSnapshot {
  summary: Summary;
  movers: MoversResponse;
  items: HeadlineRow[];
  alerts: AlertTransition[];
}

export interface EventHubOptions {
  api: Api;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Counts streams dropped because their client stopped reading (a prom-client Counter on /metrics). */
  dropped?: { inc(): void } | undefined;
}

const transitionId = (t: AlertTransition): string => `${t.at}|${t.fingerprint}|${t.to}`;
const SUMMARY_WINDOW_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Each open page costs queries per tick: a bound keeps a forgotten tab farm from loading the store. */
const MAX_CONNECTIONS = 64;
/**
 * Ticks a client may leave its socket full before its stream is dropped. Nothing is written to a full
 * socket (the next snapshot supersedes the skipped one), so each stream buffers at most one event beyond
 * what the socket holds; a client that never reads again is cut off rather than kept forever.
 */
const MAX_STALLED_TICKS = 10;

export class EventHub {
  private readonly connections = new Set<Connection>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  /**
   * The last shared snapshot and the series sent with it, valid while neither the stored data nor the
   * clock's minute changes (every window is counted in whole minutes): an idle or slow stream costs
   * one small query per tick instead of a dozen.
   */
  private cache: { key: string; shared: SharedSnapshot } | undefined;
  private readonly seriesCache = new Map<string, Promise<TopicSeriesResponse>>();
  private computing: { key: string; promise: Promise<SharedSnapshot> } | undefined;

  constructor(private readonly options: EventHubOptions) {}

  /** Takes over the response: headers, a first snapshot at once, then one per tick. */
  attach(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    const q = parseOrThrow(eventsQuerySchema, searchParamsObject(params, ['topic']));
    if (this.connections.size >= MAX_CONNECTIONS) {
      throw new ApiError(
        503,
        `too many open event streams (${MAX_CONNECTIONS}); close a dashboard tab`,
      );
    }
    const connection: Connection = {
      res,
      topics: q.topic,
      windowMs: q.window,
      bucketMs: q.bucket,
      seenAlerts: new Set(),
      stalledTicks: 0,
    };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells a buffering reverse proxy to pass events through as they come.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n\n`);
    this.connections.add(connection);
    req.on('close', () => this.connections.delete(connection));
    this.ensureTimer();
    void this.shared()
      .then((shared) => this.send(connection, shared))
      .catch((error: unknown) => this.reportError(error));
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.connections) c.res.end();
    this.connections.clear();
  }

  private ensureTimer(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Skips a tick while the previous one is still querying, so a slow store never piles up work. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    if (this.connections.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.ticking = true;
    try {
      const shared = await this.shared();
      await Promise.all([...this.connections].map((c) => this.send(c, shared)));
    } catch (error) {
      this.reportError(error);
    } finally {
      this.ticking = false;
    }
  }

  private async cacheKey(): Promise<string> {
    const version = await this.options.api.dataVersion();
    return `${version}|${Math.floor(this.options.clock.now() / MINUTE_MS)}`;
  }

  private async shared(): Promise<SharedSnapshot> {
    const key = await this.cacheKey();
    if (this.cache?.key === key) return this.cache.shared;
    // A new connection and the timer can ask at once: both wait for the one computation.
    if (this.computing?.key === key) return this.computing.promise;
    const promise = this.computeShared(key);
    this.computing = { key, promise };
    try {
      return await promise;
    } finally {
      if (this.computing?.promise === promise) this.computing = undefined;
    }
  }

  private async computeShared(key: string): Promise<SharedSnapshot> {
    const { api } = this.options;
    const [{ summary, alerts }, movers, items] = await Promise.all([
      api.summaryWithAlerts(SUMMARY_WINDOW_MS, 30),
      api.movers(SUMMARY_WINDOW_MS, 8),
      api.items(undefined, 25),
    ]);
    const shared = { summary, movers, items, alerts };
    this.cache = { key, shared };
    this.seriesCache.clear();
    return shared;
  }

  private series(c: Connection, topic: TopicRef, nowMs: number): Promise<TopicSeriesResponse> {
    const id = JSON.stringify([topic.kind, topic.key, c.windowMs, c.bucketMs ?? 0]);
    const cached = this.seriesCache.get(id);
    if (cached !== undefined) return cached;
    const series = this.options.api.series(topic, nowMs - c.windowMs, nowMs, c.bucketMs);
    // Promises are cached so concurrent sends share one query; bounded by the connections' topic
    // lists, cleared whenever the shared snapshot changes, dropped on failure.
    if (this.seriesCache.size < MAX_CONNECTIONS * 6) {
      this.seriesCache.set(id, series);
      series.catch(() => this.seriesCache.delete(id));
    }
    return series;
  }

  /** Whether the client read what it was sent before: a stalled one is skipped, and dropped when it stays so. */
  private ready(c: Connection): boolean {
    if (!this.connections.has(c)) return false;
    if (!c.res.writableNeedDrain) {
      c.stalledTicks = 0;
      return true;
    }
    c.stalledTicks += 1;
    if (c.stalledTicks >= MAX_STALLED_TICKS) this.drop(c);
    return false;
  }

  private drop(c: Connection): void {
    this.connections.delete(c);
    this.options.logger.warn(
      { bufferedBytes: c.res.writableLength, stalledTicks: c.stalledTicks },
      'dropped an event stream whose client stopped reading',
    );
    c.res.destroy();
    this.options.dropped?.inc();
  }

  private async send(c: Connection, shared: SharedSnapshot): Promise<void> {
    if (!this.ready(c)) return;
    const nowMs = this.options.clock.now();
    const series = await Promise.all(c.topics.map((t) => this.series(c, t, nowMs)));
    const newAlerts = shared.alerts.filter((a) => !c.seenAlerts.has(transitionId(a)));
    // Only the current feed is remembered, so the set stays as small as the feed.
    c.seenAlerts = new Set(shared.alerts.map(transitionId));
    const snapshot: Snapshot = {
      at: new Date(nowMs).toISOString(),
      ...shared,
      newAlerts,
      series,
    };
    if (this.connections.has(c))
      c.res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
  }

  private reportError(error: unknown): void {
    this.options.logger.warn({ err: describeError(error) }, 'dashboard snapshot failed');
    for (const c of this.connections) {
      if (this.ready(c)) {
        c.res.write(
          `event: problem\ndata: ${JSON.stringify({ message: 'store query failed' })}\n\n`,
        );
      }
    }
  }
}
