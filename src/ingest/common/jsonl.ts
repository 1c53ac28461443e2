/**
 * The JSONL record format shared by stream files, history files and HTTP push:
 * `{"id"?, "url"?, "title", "summary"?, "publishedAt", "source"?, "lang"?}` (history also accepts `text` for
 * `title`); other fields are ignored.
 */
import type { RawEntry } from './normalize.ts';

export type RecordResult = { ok: true; raw: RawEntry } | { ok: false; reason: string };

const optionalText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** A parsed JSON value → raw entry; text checks happen later, in normalize. */
export function recordToRawEntry(value: unknown): RecordResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  for (const key of ['title', 'summary', 'text', 'url', 'source', 'publishedAt', 'lang'] as const) {
    const field = record[key];
    if (field !== undefined && field !== null && typeof field !== 'string') {
      return { ok: false, reason: `"${key}" must be a string` };
    }
  }
  return {
    ok: true,
    raw: {
      guid: optionalText(record.id),
      link: optionalText(record.url),
      title: optionalText(record.title) ?? optionalText(record.text),
      summary: optionalText(record.summary),
      date: optionalText(record.publishedAt),
      source: optionalText(record.source),
      lang: optionalText(record.lang),
    },
  };
}

/** One line of a JSONL file → raw entry, or why it is not one. Blank lines are skipped by the caller. */
export function parseJsonlLine(line: string): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `bad JSON: ${(error as Error).message}` };
  }
  return recordToRawEntry(value);
}
