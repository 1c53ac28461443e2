/** Config slice for news sources: RSS/Atom feeds, the HTTP push endpoint and the demo replay. */
import { z } from 'zod';

export const feedConfigSchema = z
  .object({
    name: z.string().min(1),
    url: z.url(),
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
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        enabled: z.boolean().default(false),
        host: z.string().default('127.0.0.1'),
        port: z.int().min(0).max(65_535).default(8788),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type FeedConfig = z.infer<typeof feedConfigSchema>;
export type IngestConfig = z.infer<typeof ingestConfigSchema>;
