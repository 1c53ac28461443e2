/** Which files in a stream or history directory are news, in what format, and the source name each one implies. */
import { basename } from 'node:path';

export type SourceFormat = 'feed' | 'jsonl';

/** Longest suffix first, so `x.rss.xml` names source `x`, not `x.rss`. */
const SUFFIXES: ReadonlyArray<readonly [string, SourceFormat]> = [
  ['.rss.xml', 'feed'],
  ['.atom.xml', 'feed'],
  ['.xml', 'feed'],
  ['.rss', 'feed'],
  ['.atom', 'feed'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
];

export interface SourceFile {
  name: string;
  format: SourceFormat;
  /** The file name without its format suffix: the `source` of items that name none. */
  source: string;
}

export function classifySourceFile(path: string): SourceFile | undefined {
  const name = basename(path);
  const lower = name.toLowerCase();
  for (const [suffix, format] of SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) {
      return { name, format, source: name.slice(0, name.length - suffix.length) };
    }
  }
  return undefined;
}
