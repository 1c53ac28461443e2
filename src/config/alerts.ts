/** Config slice for the alert engine: rules file, evaluation schedule, grouping timers and notifiers. */
import { z } from 'zod';
import { httpUrl } from './http-url.ts';

const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'an environment variable name such as BELLWETHER_WEBHOOK_SECRET',
  );
const receiverName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -');

const retrySchema = z
  .object({
    /** Delivery attempts per notification, the first included. */
    maxAttempts: z.int().min(1).max(100).default(6),
    baseDelayMs: z.int().min(1).default(500),
    maxDelayMs: z.int().min(1).default(60_000),
  })
  .strict()
  .prefault({});

const webhookSchema = z
  .object({
    name: receiverName.default('webhook'),
    url: httpUrl(),
    /** Environment variable holding the HMAC-SHA256 secret; the variable must be set when this is. */
    secretEnv: envName.optional(),
    sendResolved: z.boolean().default(true),
    timeoutMs: z.int().min(100).default(10_000),
  })
  .strict();

const slackSchema = z
  .object({
    name: receiverName.default('slack'),
    /** The incoming-webhook URL, or the environment variable that holds it (it embeds a token). */
    url: httpUrl().optional(),
    urlEnv: envName.optional(),
    sendResolved: z.boolean().default(true),
    timeoutMs: z.int().min(100).default(10_000),
  })
  .strict()
  .refine((s) => (s.url === undefined) !== (s.urlEnv === undefined), {
    message: 'set exactly one of url and urlEnv',
  });

const alertmanagerSchema = z
  .object({
    /** Alertmanager base URL; alerts go to POST {url}/api/v2/alerts. */
    url: httpUrl(),
    /** Active alerts are re-sent this often, as Alertmanager expects from its clients. */
    resendDelayMs: z.int().min(1000).default(60_000),
    timeoutMs: z.int().min(100).default(10_000),
  })
  .strict();

export const alertsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    rulesFile: z.string().min(1).default('config/rules.yaml'),
    /** node-cron expression with seconds. */
    evaluateCron: z.string().min(1).default('*/15 * * * * *'),
    /** Link to the dashboard put in notifications (Alertmanager's externalURL/generatorURL). */
    externalUrl: httpUrl().default('http://127.0.0.1:8080/'),
    /** Grouping and timers as Alertmanager's route: group_by, group_wait, group_interval, repeat_interval. */
    route: z
      .object({
        groupBy: z.array(z.string().min(1)).default(['alertname']),
        groupWaitMs: z.int().min(0).default(30_000),
        groupIntervalMs: z.int().min(1000).default(300_000),
        repeatIntervalMs: z
          .int()
          .min(1000)
          .default(4 * 3_600_000),
      })
      .strict()
      .prefault({}),
    notifiers: z
      .object({
        log: z.boolean().default(true),
        webhooks: z.array(webhookSchema).default([]),
        slack: z.array(slackSchema).default([]),
        alertmanager: alertmanagerSchema.optional(),
        retry: retrySchema,
        /** Most notifications a notifier queues while its target is down; the oldest are dropped beyond. */
        queueCapacity: z.int().min(1).default(1000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type AlertRouteConfig = AlertsConfig['route'];
export type AlertNotifiersConfig = AlertsConfig['notifiers'];
export type RetryConfig = AlertNotifiersConfig['retry'];
