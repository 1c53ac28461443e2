/**
 * The CSV columns backfill accepts, from the header row (case-insensitive; other columns, e.g. `label`, ignored):
 *   title | text | headline      the item text (one of these, or `summary`, is required)
 *   summary | description | body optional longer text
 *   publishedAt | published_at | date | time | timestamp   optional; undated rows take the ingest time
 *   source, id, url | link, lang optional, as in the JSONL format
 * So both `text,label` (labelled training files) and `title,...,publishedAt` (news exports) load.
 */
import type { RawEntry } from '../common/normalize.ts';

const ALIASES: Record<
  keyof Omit<RawEntry, 'guid' | 'link' | 'date'> | 'guid' | 'link' | 'date',
  string[]
> = {
  title: ['title', 'text', 'headline'],
  summary: ['summary', 'description', 'body'],
  date: ['publishedat', 'published_at', 'published', 'date', 'time', 'timestamp'],
  source: ['source'],
  guid: ['id', 'guid'],
  link: ['url', 'link'],
  lang: ['lang', 'language'],
};

export type ColumnMap = Partial<Record<keyof RawEntry, number>>;

/** Column positions from a header row; undefined (with the reason) when it has no text column. */
export function mapColumns(header: readonly string[]): { map: ColumnMap } | { error: string } {
  const names = header.map((name) =>
    name
      .trim()
      .toLowerCase()
      .replace(/^\ufeff/, ''),
  );
  const map: ColumnMap = {};
  for (const [field, aliases] of Object.entries(ALIASES) as Array<[keyof RawEntry, string[]]>) {
    for (const alias of aliases) {
      const index = names.indexOf(alias);
      if (index !== -1) {
        map[field] = index;
        break;
      }
    }
  }
  if (map.title === undefined && map.summary === undefined) {
    return {
      error: `header "${header.join(',')}" has no text column (title, text, headline or summary)`,
    };
  }
  return { map };
}

export function rowToRawEntry(fields: readonly string[], map: ColumnMap): RawEntry {
  const get = (field: keyof RawEntry): string | undefined => {
    const index = map[field];
    const value = index === undefined ? undefined : fields[index];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  return {
    title: get('title'),
    summary: get('summary'),
    date: get('date'),
    source: get('source'),
    guid: get('guid'),
    link: get('link'),
    lang: get('lang'),
  };
}
