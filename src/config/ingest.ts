/** Config slice for news sources: RSS/Atom feeds, the HTTP push endpoint and the demo replay. */
import { z } from 'zod';
import { httpUrl } from './http-url.ts';

export const feedConfigSchema = z
  .object({
    name: z.string().min(1),
    url: httpUrl(),
    /** Poll interval; each run is jittered by up to `jitterPct` percent. */
    intervalSec: z.int().min(10).max(86_400).default(300),
    jitterPct: z.int().min(0).max(50).default(10),
    timeoutMs: z.int().min(100).max(120_000).default(15_000),
  })
  .strict();

export const ingestConfigSchema = z
  .object({
    feeds: z.array(feedConfigSchema).default([]),
    /** What `run` replays when no feed is configured (or alongside them when `alwaysReplayDemo`). */
    demo: z
      .object({
        enabled: z.boolean().default(true),
        stream: z.string().min(1).default('fixtures/streams/demo'),
        /** Time compression: 60 = one hour of news per minute. */
        speed: z.number().positive().default(60),
        alwaysReplayDemo: z.boolean().default(false),
        /**
         * Stream time played at full speed before real-time pacing starts: the demo's quiet night goes by
         * at once (giving the alert baselines history) and the first shock arrives about a minute in.
         */
        fastForwardMinutes: z.int().min(0).default(540),
      })
      .strict()
      .prefault({}),
    /** How the RSS/Atom poller behaves for every feed. */
    poll: z
      .object({
        /** First retry delay after a failed poll; doubles per consecutive failure up to `backoffMaxSec`. */
        backoffInitialSec: z.int().min(1).max(3_600).default(30),
        backoffMaxSec: z.int().min(1).max(86_400).default(1_800),
        /** Item ids remembered per feed to drop items seen in earlier polls. */
        seenIdsPerFeed: z.int().min(100).max(1_000_000).default(10_000),
        /** A larger feed body is refused (the poll fails and backs off). */
        maxBodyBytes: z
          .int()
          .min(1_024)
          .max(256 * 1024 * 1024)
          .default(16 * 1024 * 1024),
        userAgent: z.string().min(1).default('bellwether/0.1 (+feed poller)'),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        enabled: z.boolean().default(false),
        /** Loopback by default; the endpoint refuses to start on any other address without `token`. */
        host: z.string().default('127.0.0.1'),
        port: z.int().min(0).max(65_535).default(8788),
        /** Larger request bodies get 413. */
        maxBodyBytes: z
          .int()
          .min(1_024)
          .max(64 * 1024 * 1024)
          .default(4 * 1024 * 1024),
        /** Most items in one request (an array); more get 413. */
        maxItems: z.int().min(1).max(100_000).default(5_000),
        /** Bearer token clients must send (`Authorization: Bearer …`); set it from BELLWETHER_PUSH_TOKEN. */
        token: z.string().min(16, 'at least 16 characters').optional(),
        /** Source names a client may give its items (the default source included); unset allows any. */
        allowedSources: z.array(z.string().min(1)).optional(),
        /** Item ids remembered to answer a repeated item as a duplicate instead of publishing it again. */
        seenIds: z.int().min(100).max(1_000_000).default(10_000),
        /**
         * Items of admitted requests still waiting for room on a full bus; a request that would exceed it gets
         * 429 with Retry-After at once, so a pipeline that falls behind never queues pushed items without bound.
         */
        maxPendingItems: z.int().min(1).max(1_000_000).default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type FeedConfig = z.infer<typeof feedConfigSchema>;
export type IngestConfig = z.infer<typeof ingestConfigSchema>;
export type PollConfig = IngestConfig['poll'];
export type HttpPushConfig = IngestConfig['http'];
