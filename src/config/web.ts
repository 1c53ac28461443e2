/** Config slice for the built-in dashboard, JSON API, metrics and health endpoints. */
import { z } from 'zod';

export const webConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65_535).default(8787),
  })
  .strict()
  .prefault({});

export type WebConfig = z.infer<typeof webConfigSchema>;
