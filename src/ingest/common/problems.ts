/** What ingestion reports instead of throwing: one record per fault found in a feed, file, line or entry. */

export const PROBLEM_KINDS = [
  /** The entry or line was dropped (counted in `rejected`). */
  'rejected',
  /** A whole file or document yielded nothing usable. */
  'unreadable',
  /** The document was ill-formed or cut off; the complete entries were kept. */
  'recovered',
  /** The body was not valid in its declared charset and was decoded in another one. */
  'charset',
  /** Bare ampersands or HTML-only entities were escaped so the XML parses. */
  'repaired',
  /** No usable date: the item keeps the time it was fetched. */
  'date',
  /** A summary or title over the limit was cut. */
  'truncated',
  /** The title was empty and was taken from the summary. */
  'title',
  /** The link was not an http(s) URL (javascript:, data:, relative…) and was dropped; the item was kept. */
  'link',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface IngestProblem {
  kind: ProblemKind;
  /** File, feed or request, with the line or entry number where known: `feed.rss.xml#12`. */
  where: string;
  message: string;
  /** The item's id, when the problem belongs to an item that was kept. */
  itemId?: string;
}

/** `where` for entry `index` (0-based) of a file, 1-based for people. */
export const entryWhere = (file: string, index: number): string => `${file}#${index + 1}`;
export const lineWhere = (file: string, line: number): string => `${file}:${line}`;
