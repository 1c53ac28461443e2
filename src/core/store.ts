/**
 * The Store port: idempotent batched writes of scored items, the per-minute topic rollup and the queries
 * alerts and dashboards read, plus alert state. Adapters: embedded (chdb) and clickhouse (HTTP); both
 * run one SQL schema and must pass test/contracts/store-contract.ts unchanged.
 */
import type { AlertStateStore, AlertTransition } from './alert.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { ScoredItem, TopicKind } from './news.ts';
import type { TopicWindowCounts, TopicWindowQuery } from './rollup.ts';

export interface TopicRef {
  kind: TopicKind;
  key: string;
}

export interface WriteResult {
  /** Item × model version rows newly stored. */
  inserted: number;
  /** Items skipped because they were already stored or repeated within the batch. */
  duplicates: number;
}

export interface MigrationReport {
  /** Names of the migrations applied by this call (empty when the schema was current). */
  applied: string[];
  /** Highest migration version now recorded. */
  version: number;
}

/**
 * Time windows count whole minutes: a minute of the rollup belongs to [fromMs, toMs) when its start does.
 * Every query defaults `modelVersion` to the store's current one (the version most recently scored).
 */
export interface TopicSeriesQuery extends TopicRef {
  fromMs: number;
  toMs: number;
  /** Bucket width, a whole number of minutes; buckets are aligned to the epoch. */
  bucketMs: number;
  modelVersion?: string | undefined;
}

export interface SeriesBucket {
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
  negatives: number;
  positives: number;
  /** null when the bucket is empty (a gap, not a zero). */
  negativeShare: number | null;
  meanScore: number | null;
}

export interface TopMoversQuery {
  windowMs: number;
  nowMs: number;
  limit: number;
  /** Topics with fewer items in the window are left out. */
  minCount: number;
  kinds?: readonly TopicKind[] | undefined;
  modelVersion?: string | undefined;
}

export interface TopicWindowStats {
  count: number;
  negatives: number;
  positives: number;
  negativeShare: number | null;
  positiveShare: number | null;
  meanScore: number | null;
}

export interface TopicMove extends TopicRef, TopicWindowStats {
  /** The same topic over the window just before. */
  previous: TopicWindowStats;
  /** Current minus previous negative share; null when the previous window had no items. */
  negativeShareChange: number | null;
  meanScoreChange: number | null;
}

export interface TopMovers {
  fromMs: number;
  toMs: number;
  modelVersion: string | null;
  /** Mean score below zero, most negative first. */
  negative: TopicMove[];
  /** Mean score above zero, most positive first. */
  positive: TopicMove[];
}

export interface LatestItemsQuery {
  topic?: TopicRef | undefined;
  limit: number;
  /** Only items published strictly before this instant (paging back). */
  beforeMs?: number | undefined;
  modelVersion?: string | undefined;
}

export interface TopicHeadlinesQuery extends TopicRef {
  fromMs: number;
  toMs: number;
  limit: number;
  /**
   * By the score the topic got from each item (the entity's for a company or ticker topic where the scorer
   * rated one, the headline's otherwise): 'negative' lowest first (alert annotations), 'positive' highest
   * first; or 'newest'.
   */
  order: 'negative' | 'positive' | 'newest';
  modelVersion?: string | undefined;
}

export interface ScanItemsQuery {
  fromMs: number;
  toMs: number;
  limit: number;
  modelVersion?: string | undefined;
  /** Keyset cursor: continue after this item (publishedAt order, then id). */
  after?: { publishedMs: number; id: string } | undefined;
}

export interface ModelVersionInfo {
  modelVersion: string;
  items: number;
  firstScoredAt: string;
  lastScoredAt: string;
}

export interface StoreStats {
  items: number;
  modelVersion: string | null;
  modelVersions: number;
  topics: number;
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
}

export interface AlertTransitionsQuery {
  fromMs: number;
  toMs: number;
  topic?: TopicRef | undefined;
  rule?: string | undefined;
  limit: number;
}

/** Values for `{name:Type}` placeholders; they are bound, never spliced into SQL text. */
export type SqlValue = string | number | boolean | readonly string[] | readonly number[];
export type SqlParams = Readonly<Record<string, SqlValue>>;

export interface Store extends Lifecycle, AlertStateStore {
  readonly type: string;
  /** Applies pending schema migrations in order; safe to call again (connect already does). */
  migrate(): Promise<MigrationReport>;
  /**
   * Stores items in one insert per call. Idempotent per (id, modelVersion): items already stored, or
   * repeated in the batch, are skipped before inserting, so rollups never count an item twice.
   */
  writeScored(items: readonly ScoredItem[]): Promise<WriteResult>;
  /** Per-topic counts over a window from the per-minute rollup: what alert detectors consume. */
  topicCounts(query: TopicWindowQuery): Promise<TopicWindowCounts[]>;
  /** Dense buckets from fromMs (aligned down) to toMs; empty buckets have count 0. */
  topicSeries(query: TopicSeriesQuery): Promise<SeriesBucket[]>;
  topMovers(query: TopMoversQuery): Promise<TopMovers>;
  /** Newest first. */
  latestItems(query: LatestItemsQuery): Promise<ScoredItem[]>;
  /** Items about one topic published in [fromMs, toMs), in the order asked for. */
  topicHeadlines(query: TopicHeadlinesQuery): Promise<ScoredItem[]>;
  /** Stored items in publishedAt order, a page at a time (backfill re-scoring reads these). */
  scanItems(query: ScanItemsQuery): Promise<ScoredItem[]>;
  modelVersions(): Promise<ModelVersionInfo[]>;
  /** The version queries use by default: the one most recently scored; null while empty. */
  currentModelVersion(): Promise<string | null>;
  itemCount(modelVersion?: string): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Newest first. */
  alertTransitions(query: AlertTransitionsQuery): Promise<AlertTransition[]>;
  /** Runs a read query with bound parameters and returns its rows (dashboard SQL, tools). */
  query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
}
