/** The rules file's schema: topic selectors, detectors with their parameters, timing, labels and annotation templates. */
import { z } from 'zod';
import { SEVERITIES } from '../core/alert.ts';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { TOPIC_KINDS } from '../core/news.ts';
import { RESERVED_LABELS, templateProblems } from './template.ts';

/** A duration string ("30m") parsed to milliseconds; `min` bounds it from below. */
function duration(minMs = 0) {
  return z
    .string({ error: 'expected a duration string such as "30s", "5m" or "24h"' })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `invalid duration ${JSON.stringify(text)} (write e.g. 30s, 10m, 24h, 1h30m)`,
        });
        return z.NEVER;
      }
      if (ms < minMs) {
        ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(minMs)}` });
        return z.NEVER;
      }
      return ms;
    });
}

const share = z.number().min(0).max(1);
/** Two items are never evidence: every detector needs at least three in its current window. */
/**
 * What a spike detector counts: items, or distinct stories (src/stories/README.md), so one story carried by ten
 * feeds counts once. Stories by default; a data source that knows no stories gives items for both.
 */
const countBy = z.enum(['items', 'stories']).default('stories');

const minCount = z.number().int().min(3, 'must be at least 3 (one or two items never fire)');
const MINUTE = 60_000;
/** Bounds the per-bucket queries one evaluation makes. */
const MAX_BUCKETS = 400;

const spikeSchema = z
  .object({
    type: z.literal('negative-share-spike'),
    count: countBy,
    window: duration(MINUTE).default(30 * MINUTE),
    baseline: duration(MINUTE).default(24 * 60 * MINUTE),
    /** Gap between the baseline's end and the current window's start. */
    baselineOffset: duration().default(0),
    minCount: minCount.default(8),
    z: z.number().positive().max(10).default(1.96),
    margin: share.default(0.15),
    prior: z
      .object({ share: share.default(0.2), weight: z.number().min(0).max(10_000).default(20) })
      .strict()
      .prefault({}),
    /** The baseline never counts as calmer than this. */
    minBaselineShare: share.default(0),
    confirm: z
      .object({ window: duration(MINUTE), minCount: z.number().int().min(1).default(3) })
      .strict()
      .optional(),
  })
  .strict();

const bucketedShape = {
  count: countBy,
  window: duration(MINUTE).default(30 * MINUTE),
  baseline: duration(MINUTE).default(24 * 60 * MINUTE),
  baselineOffset: duration().default(0),
  /** Width of the baseline buckets; default: the window's width, so values compare like for like. */
  bucket: duration(MINUTE).optional(),
  metric: z.enum(['negative-share', 'negative-count']).default('negative-share'),
  minCount: minCount.default(8),
  threshold: z.number().positive().max(100).default(3),
  /** Floor under the baseline deviation, so a perfectly flat history does not make any blip infinite. */
  minStd: z.number().positive().optional(),
  /** Non-empty baseline buckets needed before the detector trusts the baseline at all. */
  minBuckets: z.number().int().min(2).default(6),
};

const zscoreSchema = z.object({ type: z.literal('negative-zscore'), ...bucketedShape }).strict();

const ewmaSchema = z
  .object({
    type: z.literal('negative-ewma'),
    ...bucketedShape,
    alpha: z.number().gt(0).max(1).default(0.3),
  })
  .strict();

const meanDropSchema = z
  .object({
    type: z.literal('mean-score-drop'),
    window: duration(MINUTE).default(30 * MINUTE),
    baseline: duration(MINUTE).default(24 * 60 * MINUTE),
    baselineOffset: duration().default(0),
    minCount: minCount.default(8),
    /** Fires when the baseline mean minus the current mean is at least this (scores lie in [-1, 1]). */
    drop: z.number().positive().max(2).default(0.4),
    /** And the current mean is at most this. */
    maxMean: z.number().min(-1).max(1).default(0),
    prior: z
      .object({
        mean: z.number().min(-1).max(1).default(0),
        weight: z.number().min(0).max(10_000).default(20),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const detectorSchema = z
  .discriminatedUnion('type', [spikeSchema, zscoreSchema, ewmaSchema, meanDropSchema])
  .superRefine((d, ctx) => {
    if (d.type === 'negative-share-spike' && d.confirm && d.confirm.window >= d.window) {
      ctx.addIssue({
        code: 'custom',
        path: ['confirm', 'window'],
        message: 'the confirmation window must be shorter than the window',
      });
    }
    if (d.type === 'negative-zscore' || d.type === 'negative-ewma') {
      const bucket = d.bucket ?? d.window;
      if (bucket > d.baseline) {
        ctx.addIssue({
          code: 'custom',
          path: [d.bucket === undefined ? 'window' : 'bucket'],
          message: 'the bucket must not be wider than the baseline',
        });
      } else if (d.baseline / bucket > MAX_BUCKETS) {
        ctx.addIssue({
          code: 'custom',
          path: ['bucket'],
          message: `the baseline holds ${Math.floor(d.baseline / bucket)} buckets; at most ${MAX_BUCKETS}`,
        });
      }
    }
  });

export type DetectorSpec = z.infer<typeof detectorSchema>;
export type DetectorType = DetectorSpec['type'];

const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are [a-zA-Z_][a-zA-Z0-9_]*');

/** A topic key or a glob over keys (`*` any run, `?` one character). */
const keyPattern = z.string().min(1).max(256);

export const selectorSchema = z
  .object({
    kinds: z
      .array(z.enum(TOPIC_KINDS))
      .min(1)
      .default([...TOPIC_KINDS]),
    keys: z.array(keyPattern).min(1).optional(),
    exclude: z.array(keyPattern).default([]),
    /** Watchlist groups: topics belonging to these sectors (their tickers, companies and the sector itself). */
    sectors: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export type TopicSelector = z.infer<typeof selectorSchema>;

export const ruleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_:.-]*$/, 'rule names are letters, digits, _ : . - (no spaces)')
      .max(128),
    select: selectorSchema.prefault({}),
    detector: detectorSchema,
    for: duration().default(0),
    keepFiringFor: duration().default(0),
    severity: z.enum(SEVERITIES).default('warning'),
    labels: z
      .record(labelName, z.string().max(256))
      .default({})
      .superRefine((labels, ctx) => {
        for (const [name, value] of Object.entries(labels)) {
          if (RESERVED_LABELS.includes(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `label ${name} is set by the engine`,
            });
          }
          if (value.includes('{{')) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'labels are identity and cannot hold templates; put values in annotations',
            });
          }
        }
      }),
    annotations: z
      .record(labelName, z.string().max(4096))
      .default({})
      .superRefine((annotations, ctx) => {
        for (const [name, text] of Object.entries(annotations)) {
          for (const problem of templateProblems(text)) {
            ctx.addIssue({ code: 'custom', path: [name], message: problem });
          }
        }
      }),
  })
  .strict();

export type Rule = z.infer<typeof ruleSchema>;

/** Rule-name uniqueness is checked by the file reader on the raw document, so it is reported alongside schema issues. */
export const rulesFileSchema = z
  .object({
    version: z.literal(1).default(1),
    settings: z
      .object({
        /** Evaluations in a row without data after which an instance resolves as stale. */
        staleAfterEvaluations: z.number().int().min(1).max(10_000).default(4),
        /** How long a resolved instance is remembered (and re-notified) before it is forgotten. */
        resolvedRetention: duration().default(15 * MINUTE),
      })
      .strict()
      .prefault({}),
    rules: z.array(ruleSchema),
  })
  .strict();

export type RulesFile = z.infer<typeof rulesFileSchema>;
