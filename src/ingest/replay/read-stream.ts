/**
 * Reads a whole stream directory (one file per source feed) into the items a replay publishes:
 * deduplicated by id (first seen wins, files in name order), sorted by publishedAt (stable).
 */

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { appendAll } from '../../core/append-all.ts';
import { BellwetherError } from '../../core/errors.ts';
import type { NewsItem } from '../../core/news.ts';
import { emptyBatch, type IngestBatch } from '../common/batch.ts';
import { addJsonlLine } from '../common/jsonl-items.ts';
import { linesOf } from '../common/lines.ts';
import type { IngestProblem } from '../common/problems.ts';
import { classifySourceFile, type SourceFile } from '../common/source-files.ts';
import { feedBodyToItems } from '../rss/feed-items.ts';

export interface FileSummary {
  format: SourceFile['format'];
  /** Items the file yielded before deduplication. */
  items: number;
  rejected: number;
}

export interface StreamContents {
  items: NewsItem[];
  /** Items dropped because an earlier one had the same id. */
  duplicates: number;
  rejected: number;
  problems: IngestProblem[];
  files: Record<string, FileSummary>;
  /** Earliest and latest item date in the stream, undated items left out; undefined when none is dated. */
  streamStart: string | undefined;
  streamEnd: string | undefined;
  /** Items without a usable date: they keep the read time as publishedAt and replay at the stream's end. */
  undatedIds: Set<string>;
}

export interface ReadStreamOptions {
  /** The fetchedAt of every item (and publishedAt of undated ones); default: now. */
  fetchedAt?: string;
}

/** Reads one news file of a stream or history directory. */
export async function readSourceFile(
  path: string,
  file: SourceFile,
  fetchedAt: string,
): Promise<IngestBatch> {
  const bytes = await readFile(path);
  if (file.format === 'feed') {
    return feedBodyToItems(bytes, { where: file.name, source: file.source, fetchedAt });
  }
  const batch = emptyBatch();
  const context = { file: file.name, source: file.source, fetchedAt };
  for (const line of linesOf(bytes)) addJsonlLine(batch, line, context);
  return batch;
}

/** The news files of a directory, in name order (so results do not depend on the file system). */
export async function listSourceFiles(dir: string): Promise<SourceFile[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = await readdir(dir);
  } catch (error) {
    throw new BellwetherError(
      'INGEST_NOT_FOUND',
      `stream directory ${dir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return names
    .sort()
    .map((name) => classifySourceFile(name))
    .filter((file): file is SourceFile => file !== undefined);
}

const byPublishedAt = (a: NewsItem, b: NewsItem): number =>
  a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0;

export async function readStream(
  dir: string,
  options: ReadStreamOptions = {},
): Promise<StreamContents> {
  const fetchedAt = options.fetchedAt ?? new Date().toISOString();
  const files = await listSourceFiles(dir);
  if (files.length === 0) {
    throw new BellwetherError(
      'INGEST_EMPTY',
      `stream directory ${dir} holds no .rss.xml, .atom.xml or .jsonl file`,
    );
  }
  const seen = new Set<string>();
  const contents: StreamContents = {
    items: [],
    duplicates: 0,
    rejected: 0,
    problems: [],
    files: {},
    streamStart: undefined,
    streamEnd: undefined,
    undatedIds: new Set(),
  };
  for (const file of files) {
    const batch = await readSourceFile(join(dir, file.name), file, fetchedAt);
    contents.files[file.name] = {
      format: file.format,
      items: batch.items.length,
      rejected: batch.rejected,
    };
    contents.rejected += batch.rejected;
    appendAll(contents.problems, batch.problems);
    const undated = new Set(batch.undatedIds);
    for (const item of batch.items) {
      if (seen.has(item.id)) {
        contents.duplicates += 1;
        continue;
      }
      seen.add(item.id);
      contents.items.push(item);
      if (undated.has(item.id)) contents.undatedIds.add(item.id);
    }
  }
  contents.items.sort(byPublishedAt);
  for (const item of contents.items) {
    if (contents.undatedIds.has(item.id)) continue;
    contents.streamStart ??= item.publishedAt;
    contents.streamEnd = item.publishedAt;
  }
  return contents;
}
