/** The whole configuration: one object composed of per-module slices; every field has a default, so none is needed to start. */
import { z } from 'zod';
import { alertsConfigSchema } from './alerts.ts';
import { busConfigSchema } from './bus.ts';
import { ingestConfigSchema } from './ingest.ts';
import { modelConfigSchema, scoringConfigSchema, sinkConfigSchema } from './model.ts';
import { storeConfigSchema } from './store.ts';
import { storiesConfigSchema } from './stories.ts';
import { topicsConfigSchema } from './topics.ts';
import { webConfigSchema } from './web.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const configSchema = z
  .object({
    log: z
      .object({ level: z.enum(LOG_LEVELS).default('info') })
      .strict()
      .prefault({}),
    bus: busConfigSchema,
    store: storeConfigSchema,
    model: modelConfigSchema,
    scoring: scoringConfigSchema,
    sink: sinkConfigSchema,
    stories: storiesConfigSchema,
    ingest: ingestConfigSchema,
    topics: topicsConfigSchema,
    alerts: alertsConfigSchema,
    web: webConfigSchema,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
