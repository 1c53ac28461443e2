/** The Store port implemented once over a SqlEngine: both adapters share these queries, so they share answers. */
import type { Alert, AlertTransition } from '../core/alert.ts';
import { UsageError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { ScoredItem, TopicKind } from '../core/news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';
import type {
  AlertTransitionsQuery,
  LatestItemsQuery,
  MigrationReport,
  ModelVersionInfo,
  ScanItemsQuery,
  SeriesBucket,
  SqlParams,
  SqlValue,
  Store,
  StoreStats,
  TopicHeadlinesQuery,
  TopicMove,
  TopicSeriesQuery,
  TopicWindowStats,
  TopMovers,
  TopMoversQuery,
  WriteResult,
} from '../core/store.ts';
import {
  alertStateRow,
  fromTransitionRow,
  parseAlertBody,
  type RawTransitionRow,
  transitionRow,
} from './alert-rows.ts';
import { toEntityRows, withEntities } from './entity-rows.ts';
import { fromRow, ITEM_COLUMNS, type RawItemRow, toRow, toTopicRows } from './item-rows.ts';
import { applyMigrations } from './migrations.ts';
import type { SqlEngine } from './sql-engine.ts';
import { unstoredItems } from './unstored-items.ts';

const MINUTE_MS = 60_000;
/** Dense series longer than this are refused: the caller asked for a far too fine bucket. */
const MAX_BUCKETS = 20_000;
const MAX_LIMIT = 100_000;
/** How long a read trusts its idea of the current model version before asking again. */
const MODEL_VERSION_TTL_MS = 5_000;

/** A numeric column as the engine hands it back: 64-bit integers arrive as decimal strings. */
type SqlNumber = number | string;

/** Fixed ORDER BY clauses, chosen by name: no caller text reaches the SQL. */
const HEADLINE_ORDER: Readonly<Record<TopicHeadlinesQuery['order'], string>> = {
  negative: 'topic_score ASC, published_ms DESC, id ASC',
  positive: 'topic_score DESC, published_ms DESC, id ASC',
  newest: 'published_ms DESC, id ASC',
};

interface RollupRow {
  kind: TopicKind;
  key: string;
  n: SqlNumber;
  neg: SqlNumber;
  pos: SqlNumber;
  ssum: SqlNumber;
  stories: SqlNumber;
  neg_stories: SqlNumber;
}

/**
 * The rollup under a filter: one row per item in its topic-minute however many copies of it are stored
 * (two writers, a crash between inserts). Every rollup read aggregates this, so each item id counts once.
 */
function itemsPerTopicMinute(where: string): string {
  return `(SELECT kind, key, minute, item_id, any(label) AS item_label, any(score) AS item_score,
      if(any(story_id) = '', concat('item:', item_id), any(story_id)) AS item_story
    FROM topic_items
    WHERE ${where}
    GROUP BY kind, key, minute, item_id)`;
}

/** An item stored without a story (before migration 004) counts as a story of its own. */
const ROLLUP_SUMS = `count() AS n, countIf(item_label = 'negative') AS neg,
  countIf(item_label = 'positive') AS pos, sum(item_score) AS ssum,
  uniqExact(item_story) AS stories, uniqExactIf(item_story, item_label = 'negative') AS neg_stories`;

/**
 * A DateTime (epoch seconds) bound from epoch ms, for "minute start ≥ ms" and "minute start < ms" (a minute
 * counts when its start does).
 */
function dateTimeBound(ms: number): number {
  if (Number.isNaN(ms)) throw new UsageError('a time bound is not a number');
  return Math.min(Math.max(0, Math.ceil(ms / 1000)), 0xffff_ffff);
}

/** An epoch-ms bound for a UInt64 column, rounded up like dateTimeBound. */
function epochMsBound(ms: number): number {
  if (Number.isNaN(ms)) throw new UsageError('a time bound is not a number');
  return Math.min(Math.max(0, Math.ceil(ms)), Number.MAX_SAFE_INTEGER);
}

function checkLimit(limit: number, what: string): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`${what}: limit must be an integer in 1..${MAX_LIMIT} (got ${limit})`);
  }
  return limit;
}

function windowStats(n: number, neg: number, pos: number, ssum: number): TopicWindowStats {
  return {
    count: n,
    negatives: neg,
    positives: pos,
    negativeShare: n > 0 ? neg / n : null,
    positiveShare: n > 0 ? pos / n : null,
    meanScore: n > 0 ? ssum / n : null,
  };
}

export interface SqlStoreOptions {
  logger: Logger;
  /** Overridable for tests of the "one process per data dir" path and similar; defaults to Date.now. */
  now?: () => number;
}

export class SqlStore implements Store {
  readonly type: string;
  private connected = false;
  private closed = false;
  private currentVersion: { value: string | null; checkedAt: number } | undefined;
  private lastStateVersion = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(
    private readonly engine: SqlEngine,
    options: SqlStoreOptions,
  ) {
    this.type = engine.type;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.engine.open();
    const report = await applyMigrations(this.engine);
    this.logger.info(
      {
        store: this.type,
        location: this.engine.location,
        engine: this.engine.describe(),
        schemaVersion: report.version,
        applied: report.applied,
      },
      'store connected',
    );
    this.connected = true;
    this.closed = false;
  }

  migrate(): Promise<MigrationReport> {
    return applyMigrations(this.engine);
  }

  async healthcheck(): Promise<Health> {
    try {
      const rows = await this.engine.select<{ n: SqlNumber }>(
        'SELECT uniqExact(version) AS n FROM schema_migrations',
      );
      return {
        ok: true,
        detail: `${this.type} store at ${this.engine.location}, ${this.engine.describe()}: ${Number(rows[0]?.n ?? 0)} migrations`,
      };
    } catch (error) {
      return {
        ok: false,
        detail: `${this.type} store at ${this.engine.location}: ${(error as Error).message}`,
      };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    await this.writeChain;
    await this.engine.close();
  }

  /**
   * Writes are serialized so that overlapping batches of one process do not both insert their shared
   * items. Correct counts do not depend on it: copies from any number of writers collapse (see README).
   */
  writeScored(items: readonly ScoredItem[]): Promise<WriteResult> {
    const next = this.writeChain.then(() => this.writeScoredNow(items));
    this.writeChain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async writeScoredNow(items: readonly ScoredItem[]): Promise<WriteResult> {
    if (items.length === 0) return { inserted: 0, duplicates: 0 };
    const fresh = await unstoredItems(this.engine, items);
    const rows = [];
    const topicRows = [];
    const entityRows = [];
    let latest: ScoredItem | undefined;
    for (const item of fresh) {
      const row = toRow(item);
      rows.push(row);
      topicRows.push(...toTopicRows(row, item.entities));
      entityRows.push(...toEntityRows(row, item.entities));
      if (!latest || item.scoredAt > latest.scoredAt) latest = item;
    }
    // Rollup and entity rows first: an item counts as stored only once scored_items has it, so a crash
    // between the inserts leaves it to be redelivered and written again, and the extra copies collapse.
    if (topicRows.length > 0) await this.engine.insert('topic_items', topicRows);
    if (entityRows.length > 0) await this.engine.insert('item_entities', entityRows);
    if (rows.length > 0) await this.engine.insert('scored_items', rows);
    if (latest) this.noteWrittenVersion(latest.modelVersion);
    return { inserted: rows.length, duplicates: items.length - rows.length };
  }

  private noteWrittenVersion(version: string): void {
    this.currentVersion = { value: version, checkedAt: this.now() };
  }

  async currentModelVersion(): Promise<string | null> {
    const cached = this.currentVersion;
    if (cached && this.now() - cached.checkedAt < MODEL_VERSION_TTL_MS) return cached.value;
    const rows = await this.engine.select<{ v: string; n: SqlNumber }>(
      'SELECT argMax(model_version, scored_ms) AS v, count() AS n FROM scored_items',
    );
    const row = rows[0];
    const value = row && Number(row.n) > 0 ? row.v : null;
    this.currentVersion = { value, checkedAt: this.now() };
    return value;
  }

  /** The model version a read asks for, else the current one (null while the store is empty). */
  private async versionToRead(requested: string | undefined): Promise<string | null> {
    return requested ?? (await this.currentModelVersion());
  }

  async topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]> {
    const version = await this.versionToRead(query.modelVersion);
    if (version === null) return [];
    const params: Record<string, SqlValue> = {
      mv: version,
      from: dateTimeBound(query.fromMs),
      to: dateTimeBound(query.toMs),
    };
    // Filters are added as fixed SQL fragments only when given: 18.16 cannot type an empty array literal.
    let filters = '';
    if (query.kinds && query.kinds.length > 0) {
      filters += ' AND has({kinds:Array(String)}, kind)';
      params.kinds = query.kinds;
    }
    if (query.keys && query.keys.length > 0) {
      filters += ' AND has({keys:Array(String)}, key)';
      params.keys = query.keys;
    }
    const rows = await this.engine.select<RollupRow>(
      `SELECT kind, key, ${ROLLUP_SUMS}
       FROM ${itemsPerTopicMinute(
         `model_version = {mv:String}
         AND minute >= toDateTime({from:UInt32}) AND minute < toDateTime({to:UInt32})${filters}`,
       )}
       GROUP BY kind, key
       ORDER BY kind, key`,
      params,
    );
    return rows.map((r) => ({
      kind: r.kind,
      key: r.key,
      count: Number(r.n),
      negatives: Number(r.neg),
      positives: Number(r.pos),
      scoreSum: Number(r.ssum),
      stories: Number(r.stories),
      negativeStories: Number(r.neg_stories),
    }));
  }

  async topicSeries(query: TopicSeriesQuery): Promise<SeriesBucket[]> {
    const { bucketMs } = query;
    if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0 || bucketMs % MINUTE_MS !== 0) {
      throw new UsageError(
        `topicSeries: bucketMs must be a whole number of minutes (got ${bucketMs})`,
      );
    }
    const startMs = Math.floor(Math.max(0, query.fromMs) / bucketMs) * bucketMs;
    const buckets = Math.ceil((query.toMs - startMs) / bucketMs);
    if (buckets > MAX_BUCKETS) {
      throw new UsageError(`topicSeries: ${buckets} buckets asked for; at most ${MAX_BUCKETS}`);
    }
    if (buckets <= 0) return [];
    const version = await this.versionToRead(query.modelVersion);
    const found = new Map<number, RollupRow>();
    if (version !== null) {
      const rows = await this.engine.select<RollupRow & { t: SqlNumber }>(
        `SELECT intDiv(toUInt32(minute), {b:UInt32}) * {b:UInt32} AS t, ${ROLLUP_SUMS}
         FROM ${itemsPerTopicMinute(
           `model_version = {mv:String} AND kind = {kind:String} AND key = {key:String}
           AND minute >= toDateTime({from:UInt32}) AND minute < toDateTime({to:UInt32})`,
         )}
         GROUP BY t
         ORDER BY t`,
        {
          b: bucketMs / 1000,
          mv: version,
          kind: query.kind,
          key: query.key,
          from: dateTimeBound(startMs),
          to: dateTimeBound(query.toMs),
        },
      );
      for (const row of rows) found.set(Number(row.t) * 1000, row);
    }
    const series: SeriesBucket[] = [];
    for (let i = 0; i < buckets; i++) {
      const t = startMs + i * bucketMs;
      const row = found.get(t);
      const n = Number(row?.n ?? 0);
      const neg = Number(row?.neg ?? 0);
      series.push({
        t,
        count: n,
        negatives: neg,
        positives: Number(row?.pos ?? 0),
        negativeShare: n > 0 ? neg / n : null,
        meanScore: n > 0 ? Number(row?.ssum ?? 0) / n : null,
      });
    }
    return series;
  }

  async topMovers(query: TopMoversQuery): Promise<TopMovers> {
    const limit = checkLimit(query.limit, 'topMovers');
    if (!(query.windowMs > 0)) throw new UsageError('topMovers: windowMs must be positive');
    if (Number.isNaN(query.minCount)) throw new UsageError('topMovers: minCount is not a number');
    const toMs = query.nowMs;
    const fromMs = toMs - query.windowMs;
    const version = await this.versionToRead(query.modelVersion);
    const result: TopMovers = { fromMs, toMs, modelVersion: version, negative: [], positive: [] };
    if (version === null) return result;
    const params: Record<string, SqlValue> = {
      mv: version,
      prev: dateTimeBound(fromMs - query.windowMs),
      mid: dateTimeBound(fromMs),
      to: dateTimeBound(toMs),
      min: Math.min(Math.max(0, Math.floor(query.minCount)), 0xffff_ffff),
    };
    let filters = '';
    if (query.kinds && query.kinds.length > 0) {
      filters = ' AND has({kinds:Array(String)}, kind)';
      params.kinds = query.kinds;
    }
    const rows = await this.engine.select<
      RollupRow & { pn: SqlNumber; pneg: SqlNumber; ppos: SqlNumber; pssum: SqlNumber }
    >(
      `SELECT kind, key,
              countIf(minute >= toDateTime({mid:UInt32})) AS n,
              countIf(item_label = 'negative' AND minute >= toDateTime({mid:UInt32})) AS neg,
              countIf(item_label = 'positive' AND minute >= toDateTime({mid:UInt32})) AS pos,
              sumIf(item_score, minute >= toDateTime({mid:UInt32})) AS ssum,
              countIf(minute < toDateTime({mid:UInt32})) AS pn,
              countIf(item_label = 'negative' AND minute < toDateTime({mid:UInt32})) AS pneg,
              countIf(item_label = 'positive' AND minute < toDateTime({mid:UInt32})) AS ppos,
              sumIf(item_score, minute < toDateTime({mid:UInt32})) AS pssum
       FROM ${itemsPerTopicMinute(
         `model_version = {mv:String}
         AND minute >= toDateTime({prev:UInt32}) AND minute < toDateTime({to:UInt32})${filters}`,
       )}
       GROUP BY kind, key
       HAVING n >= {min:UInt32} AND n > 0`,
      params,
    );
    const moves: TopicMove[] = rows.map((r) => {
      const current = windowStats(Number(r.n), Number(r.neg), Number(r.pos), Number(r.ssum));
      const previous = windowStats(Number(r.pn), Number(r.pneg), Number(r.ppos), Number(r.pssum));
      return {
        kind: r.kind,
        key: r.key,
        ...current,
        previous,
        negativeShareChange:
          current.negativeShare !== null && previous.negativeShare !== null
            ? current.negativeShare - previous.negativeShare
            : null,
        meanScoreChange:
          current.meanScore !== null && previous.meanScore !== null
            ? current.meanScore - previous.meanScore
            : null,
      };
    });
    const byTopic = (a: TopicMove, b: TopicMove) =>
      a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key);
    result.negative = moves
      .filter((m) => (m.meanScore ?? 0) < 0)
      .sort((a, b) => (a.meanScore ?? 0) - (b.meanScore ?? 0) || b.count - a.count || byTopic(a, b))
      .slice(0, limit);
    result.positive = moves
      .filter((m) => (m.meanScore ?? 0) > 0)
      .sort((a, b) => (b.meanScore ?? 0) - (a.meanScore ?? 0) || b.count - a.count || byTopic(a, b))
      .slice(0, limit);
    return result;
  }

  async latestItems(query: LatestItemsQuery): Promise<ScoredItem[]> {
    const limit = checkLimit(query.limit, 'latestItems');
    const version = await this.versionToRead(query.modelVersion);
    if (version === null) return [];
    const params: Record<string, SqlValue> = { mv: version };
    let filters = '';
    if (query.beforeMs !== undefined) {
      filters += ' AND published_ms < {before:UInt64}';
      params.before = epochMsBound(query.beforeMs);
    }
    if (query.topic) {
      filters += ` AND id IN (
        SELECT item_id FROM topic_items
        WHERE model_version = {mv:String} AND kind = {kind:String} AND key = {key:String})`;
      params.kind = query.topic.kind;
      params.key = query.topic.key;
    }
    // Two phases: pick the newest ids reading only narrow columns, then read whole rows (summaries are
    // wide) for those ids alone — 10× less I/O at 100k items than sorting full rows.
    const rows = await this.engine.select<RawItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM scored_items
       WHERE model_version = {mv:String} AND id IN (
         SELECT id FROM scored_items
         WHERE model_version = {mv:String}${filters}
         ORDER BY published_ms DESC, id ASC
         LIMIT 1 BY id
         LIMIT ${limit})
       ORDER BY published_ms DESC, id ASC
       LIMIT 1 BY id
       LIMIT ${limit}`,
      params,
    );
    return this.withEntities(rows);
  }

  async topicHeadlines(query: TopicHeadlinesQuery): Promise<ScoredItem[]> {
    const limit = checkLimit(query.limit, 'topicHeadlines');
    const version = await this.versionToRead(query.modelVersion);
    if (version === null) return [];
    const order = HEADLINE_ORDER[query.order];
    // Ranked by the score the topic rolled up (an entity's for its company and ticker), not the headline's.
    const rows = await this.engine.select<RawItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM scored_items
       ANY INNER JOIN (
         SELECT item_id AS id, any(score) AS topic_score FROM topic_items
         WHERE model_version = {mv:String} AND kind = {kind:String} AND key = {key:String}
           AND minute >= toDateTime({fromS:UInt32}) AND minute <= toDateTime({toS:UInt32})
         GROUP BY item_id) AS topic USING id
       WHERE model_version = {mv:String}
         AND published_ms >= {from:UInt64} AND published_ms < {to:UInt64}
       ORDER BY ${order}
       LIMIT 1 BY id
       LIMIT ${limit}`,
      {
        mv: version,
        kind: query.kind,
        key: query.key,
        from: epochMsBound(query.fromMs),
        to: epochMsBound(query.toMs),
        // topic_items is keyed by minute: widen the lower bound to the minute holding fromMs.
        fromS: Math.max(0, Math.floor(query.fromMs / MINUTE_MS) * 60),
        toS: dateTimeBound(query.toMs),
      },
    );
    return this.withEntities(rows);
  }

  async scanItems(query: ScanItemsQuery): Promise<ScoredItem[]> {
    const limit = checkLimit(query.limit, 'scanItems');
    const version = await this.versionToRead(query.modelVersion);
    if (version === null) return [];
    const params: Record<string, SqlValue> = {
      mv: version,
      from: epochMsBound(query.fromMs),
      to: epochMsBound(query.toMs),
    };
    let filters = '';
    if (query.after) {
      filters = ` AND (published_ms > {afterMs:UInt64}
        OR (published_ms = {afterMs:UInt64} AND id > {afterId:String}))`;
      params.afterMs = Math.max(0, Math.floor(query.after.publishedMs));
      params.afterId = query.after.id;
    }
    const rows = await this.engine.select<RawItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM scored_items
       WHERE model_version = {mv:String}
         AND published_ms >= {from:UInt64} AND published_ms < {to:UInt64}${filters}
       ORDER BY published_ms ASC, id ASC
       LIMIT 1 BY id
       LIMIT ${limit}`,
      params,
    );
    return this.withEntities(rows);
  }

  /** Stored rows as items, each with the entities item_entities holds for it (one more query). */
  private withEntities(rows: readonly RawItemRow[]): Promise<ScoredItem[]> {
    return withEntities(this.engine.select.bind(this.engine), rows.map(fromRow));
  }

  async modelVersions(): Promise<ModelVersionInfo[]> {
    const rows = await this.engine.select<{
      v: string;
      n: SqlNumber;
      first: SqlNumber;
      last: SqlNumber;
    }>(
      `SELECT model_version AS v, uniqExact(id) AS n, min(scored_ms) AS first, max(scored_ms) AS last
       FROM scored_items
       GROUP BY model_version
       ORDER BY last DESC, v ASC`,
    );
    return rows.map((r) => ({
      modelVersion: r.v,
      items: Number(r.n),
      firstScoredAt: new Date(Number(r.first)).toISOString(),
      lastScoredAt: new Date(Number(r.last)).toISOString(),
    }));
  }

  async itemCount(modelVersion?: string): Promise<number> {
    const rows =
      modelVersion === undefined
        ? await this.engine.select<{ n: SqlNumber }>('SELECT uniqExact(id) AS n FROM scored_items')
        : await this.engine.select<{ n: SqlNumber }>(
            'SELECT uniqExact(id) AS n FROM scored_items WHERE model_version = {mv:String}',
            { mv: modelVersion },
          );
    return Number(rows[0]?.n ?? 0);
  }

  async stats(): Promise<StoreStats> {
    const version = await this.currentModelVersion();
    const [items] = await this.engine.select<{
      n: SqlNumber;
      versions: SqlNumber;
      first: SqlNumber;
      last: SqlNumber;
    }>(
      `SELECT uniqExact(id) AS n, uniqExact(model_version) AS versions,
              min(published_ms) AS first, max(published_ms) AS last
       FROM scored_items`,
    );
    const [topics] = await this.engine.select<{ n: SqlNumber }>(
      'SELECT uniqExact(kind, key) AS n FROM topic_items WHERE model_version = {mv:String}',
      { mv: version ?? '' },
    );
    const count = Number(items?.n ?? 0);
    return {
      items: count,
      modelVersion: version,
      modelVersions: Number(items?.versions ?? 0),
      topics: Number(topics?.n ?? 0),
      firstPublishedAt: count > 0 ? new Date(Number(items?.first)).toISOString() : null,
      lastPublishedAt: count > 0 ? new Date(Number(items?.last)).toISOString() : null,
    };
  }

  async loadAlertStates(): Promise<Alert[]> {
    const rows = await this.engine.select<{ fingerprint: string; body: string }>(
      `SELECT fingerprint, argMax(body, version) AS body
       FROM alert_state
       GROUP BY fingerprint
       ORDER BY fingerprint`,
    );
    const alerts: Alert[] = [];
    for (const row of rows) {
      const alert = parseAlertBody(row.body);
      if (!alert) {
        this.logger.warn({ fingerprint: row.fingerprint }, 'stored alert state does not decode');
        continue;
      }
      if (alert.state !== 'inactive') alerts.push(alert);
    }
    return alerts;
  }

  async saveAlertStates(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const nowMs = this.now();
    // Versions only grow within a process, and across processes follow the wall clock (µs).
    const rows = alerts.map((alert) => {
      this.lastStateVersion = Math.max(nowMs * 1000, this.lastStateVersion + 1);
      return alertStateRow(alert, this.lastStateVersion, nowMs);
    });
    await this.engine.insert('alert_state', rows);
  }

  async appendAlertTransitions(transitions: readonly AlertTransition[]): Promise<void> {
    if (transitions.length === 0) return;
    await this.engine.insert('alerts', transitions.map(transitionRow));
  }

  async alertTransitions(query: AlertTransitionsQuery): Promise<AlertTransition[]> {
    const limit = checkLimit(query.limit, 'alertTransitions');
    const params: Record<string, SqlValue> = {
      fromS: Math.max(0, Math.floor(query.fromMs / 1000)),
      toS: dateTimeBound(query.toMs),
      from: epochMsBound(query.fromMs),
      to: epochMsBound(query.toMs),
    };
    let filters = '';
    if (query.topic) {
      filters += ' AND topic_kind = {kind:String} AND topic_key = {key:String}';
      params.kind = query.topic.kind;
      params.key = query.topic.key;
    }
    if (query.rule !== undefined) {
      filters += ' AND rule = {rule:String}';
      params.rule = query.rule;
    }
    const rows = await this.engine.select<RawTransitionRow>(
      `SELECT at_ms, rule, fingerprint, topic_kind, topic_key, from_state, to_state, severity,
              value, has_value, labels, annotations
       FROM alerts
       WHERE at >= toDateTime({fromS:UInt32}) AND at <= toDateTime({toS:UInt32})
         AND at_ms >= {from:UInt64} AND at_ms < {to:UInt64}${filters}
       ORDER BY at_ms DESC, fingerprint ASC
       LIMIT ${limit}`,
      params,
    );
    const transitions: AlertTransition[] = [];
    for (const row of rows) {
      const t = fromTransitionRow(row);
      if (t) transitions.push(t);
    }
    return transitions;
  }

  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.engine.select<T>(sql, params);
  }
}
