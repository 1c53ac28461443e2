/** Validation of the JSON API's path and query parameters (zod), including the duration and instant formats the API accepts. */
import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { storyAssignmentSchema, TOPIC_KINDS } from '../core/news.ts';

const MAX_WINDOW_MS = 366 * 86_400_000;

/** A story id as the store holds it: 13 hex digits. */
export const storyIdSchema = storyAssignmentSchema.shape.storyId;

/** A duration like `90s`, `5m`, `1h`, `7d` (or plain milliseconds), in milliseconds. */
export const durationSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 1h or 7d' });
      return z.NEVER;
    }
    return ms;
  })
  .pipe(
    z.number().int().min(1_000, 'must be at least 1s').max(MAX_WINDOW_MS, 'must be at most 366d'),
  );

/** An instant as epoch milliseconds or an ISO 8601 timestamp with offset, in epoch milliseconds. */
export const instantSchema = z
  .string()
  .trim()
  .min(1)
  .transform((text, ctx) => {
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms) || (!/^\d+$/.test(text) && !/(Z|[+-]\d\d:?\d\d)$/i.test(text))) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected epoch milliseconds or an ISO timestamp with offset',
      });
      return z.NEVER;
    }
    return ms;
  });

const limit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const topicKindSchema = z.enum(TOPIC_KINDS);
/** Topic keys come from untrusted text: bounded, and only ever bound as query parameters. */
export const topicKeySchema = z.string().min(1).max(256);

export const seriesQuerySchema = z
  .object({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    bucket: durationSchema.optional(),
  })
  .strict();

export const moversQuerySchema = z
  .object({ window: durationSchema.default(3_600_000), limit: limit(100, 10) })
  .strict();

export const alertsQuerySchema = z.object({ limit: limit(500, 50) }).strict();

export const itemsQuerySchema = z
  .object({
    kind: topicKindSchema.optional(),
    key: topicKeySchema.optional(),
    limit: limit(500, 50),
  })
  .strict()
  .refine((q) => (q.kind === undefined) === (q.key === undefined), {
    message: 'kind and key go together',
  });

export const topicsQuerySchema = z
  .object({ window: durationSchema.default(3_600_000), limit: limit(500, 50) })
  .strict();

/** `topic=kind:key`, repeatable, for the live chart's series in the event stream. */
export const topicRefSchema = z.string().transform((text, ctx) => {
  const colon = text.indexOf(':');
  const kind = topicKindSchema.safeParse(text.slice(0, colon));
  const key = topicKeySchema.safeParse(text.slice(colon + 1));
  if (colon < 0 || !kind.success || !key.success) {
    ctx.addIssue({
      code: 'custom',
      message: `expected kind:key with kind one of ${TOPIC_KINDS.join('|')}`,
    });
    return z.NEVER;
  }
  return { kind: kind.data, key: key.data };
});

export const eventsQuerySchema = z
  .object({
    topic: z.array(topicRefSchema).max(6, 'at most 6 topics').default([]),
    window: durationSchema.default(6 * 3_600_000),
    bucket: durationSchema.optional(),
  })
  .strict();

/** Turns URLSearchParams into a plain object; names listed in `repeated` keep every value. */
export function searchParamsObject(
  params: URLSearchParams,
  repeated: readonly string[] = [],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    out[name] = repeated.includes(name) ? params.getAll(name) : (params.get(name) ?? '');
  }
  return out;
}

/** One line naming each bad parameter, for a 400 body. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys')
        return `unknown parameter(s): ${issue.keys.join(', ')}`;
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}
