/** Config slice for the alert engine: rules file, evaluation schedule and notifiers. */
import { z } from 'zod';

export const alertsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    rulesFile: z.string().min(1).default('config/rules.yaml'),
    /** node-cron expression with seconds. */
    evaluateCron: z.string().min(1).default('*/15 * * * * *'),
  })
  .strict()
  .prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
