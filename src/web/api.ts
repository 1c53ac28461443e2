/** The JSON API behind the built-in dashboard: validates parameters, asks the Store port, shapes responses; no SQL is built from input. */
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { type AlertTransition, isFiring } from '../core/alert.ts';
import type { Clock } from '../core/clock.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store, TopicRef } from '../core/store.ts';
import { withEntities } from '../store/entity-rows.ts';
import { entityForTopic, fromRow, ITEM_COLUMNS, type RawItemRow } from '../store/item-rows.ts';
import {
  alertsQuerySchema,
  describeIssues,
  itemsQuerySchema,
  moversQuerySchema,
  searchParamsObject,
  seriesQuerySchema,
  storyIdSchema,
  topicKeySchema,
  topicKindSchema,
  topicsQuerySchema,
} from './api-params.ts';
import type {
  HeadlineRow,
  MoversResponse,
  StoryResponse,
  Summary,
  TopicListResponse,
  TopicSentiment,
  TopicSeriesResponse,
} from './dashboard-types.ts';
import { sendJson } from './http-util.ts';

/** A request the API refuses, with the status and message the client sees. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MINUTE_MS = 60_000;
/** Charts stay readable and queries cheap: about this many buckets at most. */
const MAX_BUCKETS = 1_500;
const DEFAULT_SERIES_WINDOW_MS = 6 * 3_600_000;
/** How far back the alerts feed and the firing count look. */
const ALERT_LOOKBACK_MS = 30 * 86_400_000;
/** Transitions read to count firing instances: each instance's newest one must be among them. */
const FIRING_COUNT_LIMIT = 5_000;

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error));
  return parsed.data;
}

/** A bucket width that is whole minutes (the rollup's grain) and keeps the bucket count bounded. */
export function chooseBucketMs(spanMs: number, requestedMs?: number): number {
  const floor = Math.ceil(spanMs / MAX_BUCKETS / MINUTE_MS) * MINUTE_MS;
  if (requestedMs !== undefined) {
    return Math.max(Math.round(requestedMs / MINUTE_MS) * MINUTE_MS, MINUTE_MS, floor);
  }
  // About 120 buckets, rounded to a familiar width.
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440].map((m) => m * MINUTE_MS);
  const target = spanMs / 120;
  return Math.max(nice.find((n) => n >= target) ?? 1440 * MINUTE_MS, floor);
}

/** What one topic got from the item: its entity's sentiment for a company or ticker it rated, else the headline's. */
export function topicSentiment(item: ScoredItem, topic: TopicRef): TopicSentiment {
  const entity = entityForTopic(topic.kind, topic.key, item.entities ?? []);
  return entity
    ? { label: entity.label, score: entity.score, fromEntity: true }
    : { label: item.label, score: item.score, fromEntity: false };
}

/** An item as the API lists it; with `topic`, also the sentiment that topic got from it. */
export function toHeadline(item: ScoredItem, topic?: TopicRef): HeadlineRow {
  const row: HeadlineRow = {
    id: item.id,
    title: item.title,
    url: item.url ?? null,
    source: item.source,
    publishedAt: item.publishedAt,
    label: item.label,
    score: item.score,
    topics: item.topics,
    story: item.story
      ? {
          id: item.story.storyId,
          first: item.story.firstOfStory,
          earlier24h: item.story.storyItems24h,
        }
      : null,
  };
  if (item.entities) row.entities = item.entities;
  if (topic) row.topicSentiment = topicSentiment(item, topic);
  return row;
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface SummaryCounts {
  stored: number | string;
  n: number | string;
  neg: number | string;
  pos: number | string;
}

/**
 * One pass over the current model's items: all stored, and those published in [from, to] (seconds),
 * each id once (two writers may store an item twice until a merge). Cheaper than stats(), which
 * counts over every version on each call.
 */
const SUMMARY_SQL = `SELECT uniqExact(id) AS stored,
  uniqExactIf(id, published_at >= toDateTime({from:UInt32}) AND published_at <= toDateTime({to:UInt32})) AS n,
  uniqExactIf(id, label = 'negative' AND published_at >= toDateTime({from:UInt32}) AND published_at <= toDateTime({to:UInt32})) AS neg,
  uniqExactIf(id, label = 'positive' AND published_at >= toDateTime({from:UInt32}) AND published_at <= toDateTime({to:UInt32})) AS pos
FROM scored_items
WHERE model_version = {mv:String}`;

/** Changes whenever items or alert transitions are written: the event stream's cache key. */
const DATA_VERSION_SQL = `SELECT
  (SELECT count() FROM scored_items) AS items,
  (SELECT max(scored_ms) FROM scored_items) AS scored,
  (SELECT count() FROM alerts) AS alerts`;

/** A story's items of the current model, each id once, oldest first; a story's copies are few. */
const STORY_SQL = `SELECT ${ITEM_COLUMNS} FROM scored_items
WHERE model_version = {mv:String} AND story_id = {story:String}
ORDER BY published_ms, id
LIMIT 1 BY id
LIMIT 200`;

/** Topic kinds that make sense as movers (sources and company names duplicate other views). */
const MOVER_KINDS = ['ticker', 'sector', 'keyword'] as const;

export interface Api {
  handle(path: string, params: URLSearchParams, res: ServerResponse): Promise<void>;
  series(
    topic: TopicRef,
    fromMs: number,
    toMs: number,
    bucketMs?: number,
  ): Promise<TopicSeriesResponse>;
  movers(windowMs: number, limit: number): Promise<MoversResponse>;
  alerts(limit: number): Promise<AlertTransition[]>;
  items(topic: TopicRef | undefined, limit: number): Promise<HeadlineRow[]>;
  topics(windowMs: number, limit: number): Promise<TopicListResponse>;
  summary(windowMs: number): Promise<Summary>;
  /**
   * The summary and the newest `alertLimit` transitions from one read of the alerts table, so the
   * firing count and the feed a page shows side by side cannot disagree.
   */
  summaryWithAlerts(
    windowMs: number,
    alertLimit: number,
  ): Promise<{ summary: Summary; alerts: AlertTransition[] }>;
  story(storyId: string): Promise<StoryResponse>;
  /** An opaque token that changes when stored items or alert transitions change. */
  dataVersion(): Promise<string>;
}

export function createApi(store: Store, clock: Clock): Api {
  const api: Api = {
    async series(topic, fromMs, toMs, requestedBucketMs) {
      if (!(fromMs < toMs)) throw new ApiError(400, 'from must be before to');
      const bucketMs = chooseBucketMs(toMs - fromMs, requestedBucketMs);
      const buckets = await store.topicSeries({ ...topic, fromMs, toMs, bucketMs });
      return {
        topic,
        from: iso(fromMs),
        to: iso(toMs),
        bucketMs,
        points: buckets.map((b) => ({ ...b, t: iso(b.t) })),
      };
    },

    async movers(windowMs, limit) {
      const nowMs = clock.now();
      const movers = await store.topMovers({
        windowMs,
        nowMs,
        limit,
        minCount: 3,
        kinds: MOVER_KINDS,
      });
      return {
        windowMs,
        from: iso(movers.fromMs),
        to: iso(movers.toMs),
        modelVersion: movers.modelVersion,
        negative: movers.negative,
        positive: movers.positive,
      };
    },

    alerts(limit) {
      const nowMs = clock.now();
      // Transitions stamped slightly ahead of the clock (another process) still show.
      return store.alertTransitions({
        fromMs: nowMs - ALERT_LOOKBACK_MS,
        toMs: nowMs + MINUTE_MS,
        limit,
      });
    },

    async items(topic, limit) {
      const items = await store.latestItems({ topic, limit, beforeMs: clock.now() + MINUTE_MS });
      return items.map((item) => toHeadline(item, topic));
    },

    async topics(windowMs, limit) {
      const nowMs = clock.now();
      const counts = await store.topicCounts({ fromMs: nowMs - windowMs, toMs: nowMs + MINUTE_MS });
      const topics = counts
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
        .slice(0, limit)
        .map((c) => ({
          kind: c.kind,
          key: c.key,
          count: c.count,
          negatives: c.negatives,
          meanScore: c.count > 0 ? c.scoreSum / c.count : null,
        }));
      return { windowMs, topics };
    },

    async summary(windowMs) {
      return (await api.summaryWithAlerts(windowMs, 0)).summary;
    },

    async summaryWithAlerts(windowMs, alertLimit) {
      const nowMs = clock.now();
      const [modelVersion, transitions] = await Promise.all([
        store.currentModelVersion(),
        store.alertTransitions({
          fromMs: nowMs - ALERT_LOOKBACK_MS,
          toMs: nowMs + MINUTE_MS,
          limit: Math.max(FIRING_COUNT_LIMIT, alertLimit),
        }),
      ]);
      let counts: SummaryCounts = { stored: 0, n: 0, neg: 0, pos: 0 };
      if (modelVersion !== null) {
        const rows = await store.query<SummaryCounts>(SUMMARY_SQL, {
          mv: modelVersion,
          from: Math.max(0, Math.floor((nowMs - windowMs) / 1000)),
          to: Math.max(0, Math.floor(nowMs / 1000)),
        });
        counts = rows[0] ?? counts;
      }
      const summary: Summary = {
        windowMs,
        items: Number(counts.n),
        negatives: Number(counts.neg),
        positives: Number(counts.pos),
        firing: countFiring(transitions),
        storedItems: Number(counts.stored),
        modelVersion,
      };
      return { summary, alerts: transitions.slice(0, alertLimit) };
    },

    async story(storyId) {
      const modelVersion = await store.currentModelVersion();
      const rows =
        modelVersion === null
          ? []
          : await store.query<RawItemRow>(STORY_SQL, { mv: modelVersion, story: storyId });
      const items = await withEntities(store.query.bind(store), rows.map(fromRow));
      return { storyId, items: items.map((item) => toHeadline(item)) };
    },

    async dataVersion() {
      const rows = await store.query<Record<string, unknown>>(DATA_VERSION_SQL);
      const row = rows[0] ?? {};
      return `${String(row.items)}|${String(row.scored)}|${String(row.alerts)}`;
    },

    async handle(path, params, res) {
      const segments = path.split('/').slice(3).map(decodeSegment);
      const [head, kind, key, tail, ...rest] = segments;
      if (head === 'topics' && segments.length === 1) {
        const q = parseOrThrow(topicsQuerySchema, searchParamsObject(params));
        return sendJson(res, 200, await api.topics(q.window, q.limit));
      }
      if (head === 'topics' && tail === 'series' && rest.length === 0) {
        const topic = {
          kind: parseOrThrow(topicKindSchema, kind),
          key: parseOrThrow(topicKeySchema, key),
        };
        const q = parseOrThrow(seriesQuerySchema, searchParamsObject(params));
        const toMs = q.to ?? clock.now();
        const fromMs = q.from ?? toMs - DEFAULT_SERIES_WINDOW_MS;
        return sendJson(res, 200, await api.series(topic, fromMs, toMs, q.bucket));
      }
      if (head === 'movers' && segments.length === 1) {
        const q = parseOrThrow(moversQuerySchema, searchParamsObject(params));
        return sendJson(res, 200, await api.movers(q.window, q.limit));
      }
      if (head === 'alerts' && segments.length === 1) {
        const q = parseOrThrow(alertsQuerySchema, searchParamsObject(params));
        return sendJson(res, 200, { alerts: await api.alerts(q.limit) });
      }
      if (head === 'items' && segments.length === 1) {
        const q = parseOrThrow(itemsQuerySchema, searchParamsObject(params));
        const topic =
          q.kind !== undefined && q.key !== undefined ? { kind: q.kind, key: q.key } : undefined;
        return sendJson(res, 200, { items: await api.items(topic, q.limit) });
      }
      if (head === 'stories' && segments.length === 2) {
        return sendJson(res, 200, await api.story(parseOrThrow(storyIdSchema, kind)));
      }
      if (head === 'summary' && segments.length === 1) {
        const q = parseOrThrow(
          topicsQuerySchema.pick({ window: true }),
          searchParamsObject(params),
        );
        return sendJson(res, 200, await api.summary(q.window));
      }
      throw new ApiError(404, `no API route for ${path}`);
    },
  };
  return api;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'malformed percent-encoding in path');
  }
}

/**
 * Alert instances whose newest transition (transitions come newest first) left them firing; a
 * recovering instance still fires until its keepFiringFor ends, as receivers see it.
 */
export function countFiring(transitions: readonly AlertTransition[]): number {
  const seen = new Set<string>();
  let firing = 0;
  for (const t of transitions) {
    if (seen.has(t.fingerprint)) continue;
    seen.add(t.fingerprint);
    if (isFiring(t.to)) firing++;
  }
  return firing;
}
