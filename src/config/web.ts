/** Config slice for the built-in dashboard, JSON API, metrics and health endpoints. */
import { z } from 'zod';

export const webConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65_535).default(8787),
    /** How often the live page's event stream sends a snapshot (each one runs a handful of queries). */
    snapshotIntervalMs: z.int().min(250).max(60_000).default(2_000),
  })
  .strict()
  .prefault({});

export type WebConfig = z.infer<typeof webConfigSchema>;
