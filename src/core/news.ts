/** The item contracts that cross every bus boundary (DESIGN.md §3), as zod schemas with their inferred types. */
import { z } from 'zod';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const TOPIC_KINDS = ['ticker', 'company', 'sector', 'source', 'keyword'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

const isoInstant = z.iso.datetime({ offset: true });

export const newsItemSchema = z.object({
  id: z.string().min(1).max(512),
  source: z.string().min(1).max(256),
  url: z.string().max(4096).optional(),
  title: z.string().min(1).max(4096),
  summary: z.string().max(1_000_000).optional(),
  publishedAt: isoInstant,
  fetchedAt: isoInstant,
  lang: z.string().max(16).optional(),
});
export type NewsItem = z.infer<typeof newsItemSchema>;

export const topicMentionSchema = z.object({
  kind: z.enum(TOPIC_KINDS),
  key: z.string().min(1).max(256),
  relevance: z.number().min(0).max(1).optional(),
});
export type TopicMention = z.infer<typeof topicMentionSchema>;

export const sentimentProbsSchema = z.object({
  negative: z.number().min(0).max(1),
  neutral: z.number().min(0).max(1),
  positive: z.number().min(0).max(1),
});
export type SentimentProbs = z.infer<typeof sentimentProbsSchema>;

/** The item's story (src/stories/README.md): copies of one story share its id. */
export const storyAssignmentSchema = z.object({
  storyId: z.string().regex(/^[0-9a-f]{13}$/),
  firstOfStory: z.boolean(),
  /** Earlier items of the same story published in the hour / day up to this one. */
  storyItems1h: z.number().int().min(0),
  storyItems24h: z.number().int().min(0),
});
export type StoryAssignment = z.infer<typeof storyAssignmentSchema>;

/**
 * The sentiment toward one watchlist company the headline names (src/model/entity/README.md). Its
 * company and ticker topics roll up this score instead of the headline's.
 */
export const entitySentimentSchema = z.object({
  company: z.string().min(1).max(256),
  ticker: z.string().min(1).max(16),
  /** The headline text the model read as the entity (its first mention). */
  mention: z.string().min(1).max(256),
  label: z.enum(SENTIMENT_LABELS),
  probs: sentimentProbsSchema,
  score: z.number().min(-1).max(1),
  modelVersion: z.string().min(1).max(128),
});
export type EntitySentiment = z.infer<typeof entitySentimentSchema>;

export const scoredItemSchema = newsItemSchema.extend({
  modelVersion: z.string().min(1).max(128),
  label: z.enum(SENTIMENT_LABELS),
  probs: sentimentProbsSchema,
  score: z.number().min(-1).max(1),
  topics: z.array(topicMentionSchema),
  scoredAt: isoInstant,
  /** Set by the story stage in the sink; absent on the scorer's output and on items stored before it. */
  story: storyAssignmentSchema.optional(),
  /** Per-company sentiment, set by the scorer when entity scoring is on and the headline names companies. */
  entities: z.array(entitySentimentSchema).max(64).optional(),
});
export type ScoredItem = z.infer<typeof scoredItemSchema>;
