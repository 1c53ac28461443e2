/** Bus payload codec: items travel as UTF-8 JSON and are validated against the contract on every decode. */
import type { z } from 'zod';
import { DecodeError } from './errors.ts';
import { type NewsItem, newsItemSchema, type ScoredItem, scoredItemSchema } from './news.ts';

function decodeWith<T>(schema: z.ZodType<T>, what: string, payload: Buffer | string): T {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    throw new DecodeError(`${what}: payload is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new DecodeError(`${what}: ${problems}`);
  }
  return result.data;
}

export const encodeItem = (item: NewsItem | ScoredItem): Buffer =>
  Buffer.from(JSON.stringify(item), 'utf8');
export const decodeNewsItem = (payload: Buffer | string): NewsItem =>
  decodeWith(newsItemSchema, 'NewsItem', payload);
export const decodeScoredItem = (payload: Buffer | string): ScoredItem =>
  decodeWith(scoredItemSchema, 'ScoredItem', payload);
