/** One raw feed entry or pushed/JSONL record → a validated NewsItem, or a rejection, with the problems found on the way. */

import { normalizeLink, stableItemId } from '../../core/item-id.ts';
import { type NewsItem, newsItemSchema } from '../../core/news.ts';
import { clip, firstSentence, htmlToText } from './html-text.ts';
import type { IngestProblem } from './problems.ts';

export const MAX_SUMMARY_CHARS = 20_000;
export const MAX_TITLE_CHARS = 1_000;
const MAX_URL_CHARS = 4_096;

/** What a parser extracted, before any cleaning; text fields may hold HTML. */
export interface RawEntry {
  guid?: string | undefined;
  link?: string | undefined;
  title?: string | undefined;
  summary?: string | undefined;
  /** The date as written in the feed. */
  date?: string | undefined;
  source?: string | undefined;
  lang?: string | undefined;
}

export interface NormalizeContext {
  /** Used when the entry names no source (the feed's or file's name). */
  source: string;
  /** ISO instant the bytes were read; also the publishedAt of items without a usable date. */
  fetchedAt: string;
  /** Where the entry came from, for problem reports. */
  where: string;
  /** Keeps ids apart from every feed's when the source an entry names is not vouched for (see stableItemId). */
  idNamespace?: string | undefined;
}

export type NormalizeResult =
  | { ok: true; item: NewsItem; dated: boolean; problems: IngestProblem[] }
  | { ok: false; reason: string; problems: IngestProblem[] };

/**
 * Date.parse alone is too lenient (it reads "Q3 2" as a date), so a date must first look like one:
 * ISO 8601, RFC 822 (with or without the weekday), or anything with a four-digit year and a clock time.
 */
const LOOKS_LIKE_A_DATE = [
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/i,
  /^(?:[A-Za-z]{3,9},?\s+)?\d{1,2}\s+[A-Za-z]{3,9}\s+\d{2,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[A-Za-z]{1,5}|[+-]\d{4}))?)?$/,
  /\b(?:19|20|21)\d{2}\b.*\b\d{1,2}:\d{2}\b/,
];

/** Parses feed dates (RFC 822, ISO 8601, and what Date understands); undefined when unusable. */
export function parseFeedDate(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (!text || !LOOKS_LIKE_A_DATE.some((pattern) => pattern.test(text))) return undefined;
  // An ISO date-time without an offset is read as UTC, not as the host's local time.
  const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text);
  const ms = Date.parse(zoneless ? `${text.replace(' ', 'T')}Z` : text);
  if (Number.isNaN(ms)) return undefined;
  // Years outside this range are typos or epoch-zero placeholders, not news.
  const year = new Date(ms).getUTCFullYear();
  if (year < 1990 || year > 2200) return undefined;
  return new Date(ms).toISOString();
}

/** Only web links survive: a javascript: or data: URL rendered as a link would run in the dashboard. */
function webLink(link: string | undefined): { link?: string; dropped?: string } {
  if (!link) return {};
  if (link.length > MAX_URL_CHARS) return { dropped: `link of ${link.length} characters dropped` };
  // normalizeLink parses as browsers do (tabs and newlines removed, scheme lower-cased) and takes only http(s).
  if (normalizeLink(link) === undefined)
    return { dropped: `"${clip(link, 60)}" is not an http(s) link; dropped` };
  return { link };
}

/**
 * A lone surrogate survives JSON.parse but not the store's UTF-8 (the item would be dead-lettered after
 * scoring), nor the id's URI encoding. Decoded bytes and HTML entities never yield one; a JSON escape can.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

function illFormedField(raw: RawEntry): string | undefined {
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string' && LONE_SURROGATE.test(value))
      return `${name}: holds a lone surrogate (not well-formed Unicode)`;
  }
  return undefined;
}

function cleanLang(raw: string | undefined): string | undefined {
  const lang = raw?.trim();
  return lang && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(lang) && lang.length <= 16
    ? lang
    : undefined;
}

const rejection = (reason: string, where: string): NormalizeResult => ({
  ok: false,
  reason,
  problems: [{ kind: 'rejected', where, message: reason }],
});

export function normalizeEntry(raw: RawEntry, context: NormalizeContext): NormalizeResult {
  const problems: IngestProblem[] = [];
  const { where } = context;
  const illFormed = illFormedField(raw);
  if (illFormed !== undefined) return rejection(illFormed, where);
  let title = raw.title === undefined ? '' : htmlToText(raw.title);
  let summary = raw.summary === undefined ? '' : htmlToText(raw.summary);
  if (title === '' && summary === '') {
    return rejection('no title or summary text', where);
  }
  const notes: Array<Omit<IngestProblem, 'where' | 'itemId'>> = [];
  if (summary.length > MAX_SUMMARY_CHARS) {
    notes.push({
      kind: 'truncated',
      message: `summary of ${summary.length} characters cut to ${MAX_SUMMARY_CHARS}`,
    });
    summary = clip(summary, MAX_SUMMARY_CHARS);
  }
  if (title === '') {
    title = firstSentence(summary);
    notes.push({ kind: 'title', message: 'empty title; taken from the summary' });
  } else if (title.length > MAX_TITLE_CHARS) {
    notes.push({
      kind: 'truncated',
      message: `title of ${title.length} characters cut to ${MAX_TITLE_CHARS}`,
    });
    title = clip(title, MAX_TITLE_CHARS);
  }
  const source = raw.source?.trim() || context.source;
  const { link, dropped } = webLink(raw.link?.trim());
  if (dropped !== undefined) notes.push({ kind: 'link', message: dropped });
  const publishedAt = parseFeedDate(raw.date);
  if (publishedAt === undefined) {
    notes.push({
      kind: 'date',
      message: raw.date?.trim()
        ? `unparseable date "${clip(raw.date.trim(), 60)}"; using the fetch time`
        : 'no date; using the fetch time',
    });
  }
  const id = stableItemId({ source, namespace: context.idNamespace, guid: raw.guid, link, title });
  const candidate = {
    id,
    source: clip(source, 256),
    url: link,
    title,
    summary: summary === '' ? undefined : summary,
    publishedAt: publishedAt ?? context.fetchedAt,
    fetchedAt: context.fetchedAt,
    lang: cleanLang(raw.lang),
  };
  const parsed = newsItemSchema.safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    problems.push({ kind: 'rejected', where, message: `invalid item: ${reason}` });
    return { ok: false, reason, problems };
  }
  for (const note of notes) problems.push({ ...note, where, itemId: id });
  return { ok: true, item: dropUndefined(parsed.data), dated: publishedAt !== undefined, problems };
}

/** Keeps the JSON on the bus small and the objects comparable. */
function dropUndefined(item: NewsItem): NewsItem {
  const out: NewsItem = {
    id: item.id,
    source: item.source,
    title: item.title,
    publishedAt: item.publishedAt,
    fetchedAt: item.fetchedAt,
  };
  if (item.url !== undefined) out.url = item.url;
  if (item.summary !== undefined) out.summary = item.summary;
  if (item.lang !== undefined) out.lang = item.lang;
  return out;
}
