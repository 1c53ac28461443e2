/** The JSON shapes the built-in dashboard's API returns (times as ISO strings, shares in [0, 1], scores in [-1, 1]). */
import type { AlertTransition } from '../core/alert.ts';
import type { EntitySentiment, SentimentLabel, TopicMention } from '../core/news.ts';
import type { SeriesBucket, TopicMove, TopicRef } from '../core/store.ts';

export interface SeriesPoint extends Omit<SeriesBucket, 't'> {
  /** Bucket start, ISO. */
  t: string;
}

export interface TopicSeriesResponse {
  topic: TopicRef;
  from: string;
  to: string;
  bucketMs: number;
  points: SeriesPoint[];
}

export interface MoversResponse {
  windowMs: number;
  from: string;
  to: string;
  modelVersion: string | null;
  /** Most negative mean score first. */
  negative: TopicMove[];
  /** Most positive mean score first. */
  positive: TopicMove[];
}

export interface HeadlineRow {
  id: string;
  title: string;
  url: string | null;
  source: string;
  publishedAt: string;
  label: SentimentLabel;
  score: number;
  topics: TopicMention[];
  /** The item's story (src/stories/README.md); null for items stored before stories. */
  story: { id: string; first: boolean; earlier24h: number } | null;
  /** The sentiment toward each watchlist company the headline names; absent when none was rated. */
  entities?: EntitySentiment[];
  /** In one topic's item list only: the sentiment that topic rolled up from this item. */
  topicSentiment?: TopicSentiment;
}

/** The entity's label and score for its company and ticker topics, the headline's otherwise. */
export interface TopicSentiment {
  label: SentimentLabel;
  score: number;
  /** True when an entity of the item supplied it. */
  fromEntity: boolean;
}

/** A story with its copies, oldest first: `/api/v1/stories/<id>`. */
export interface StoryResponse {
  storyId: string;
  items: HeadlineRow[];
}

export interface TopicListResponse {
  windowMs: number;
  topics: Array<TopicRef & { count: number; negatives: number; meanScore: number | null }>;
}

export interface Summary {
  windowMs: number;
  /** Items of the current model version published in the window. */
  items: number;
  negatives: number;
  positives: number;
  /** Alert instances whose latest transition is to `firing`. */
  firing: number;
  /** Items stored for the current model version. */
  storedItems: number;
  modelVersion: string | null;
}

/** One server-sent `snapshot` event. */
export interface Snapshot {
  at: string;
  summary: Summary;
  movers: MoversResponse;
  items: HeadlineRow[];
  alerts: AlertTransition[];
  /** Transitions this connection had not been sent before (all of `alerts` on the first event). */
  newAlerts: AlertTransition[];
  series: TopicSeriesResponse[];
}
