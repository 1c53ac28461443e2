/**
 * History for backfill: a JSONL file, a CSV file (columns: see csv-columns.ts) or a directory of RSS/Atom/JSONL/CSV
 * files, read as an async iterator of item chunks (deduplicated by id across the whole input), with rejections
 * counted and byte progress for an ETA. Files are streamed line by line, so size is bounded by chunk size.
 */

import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { appendAll } from '../../core/append-all.ts';
import { BellwetherError, describeError } from '../../core/errors.ts';
import type { NewsItem } from '../../core/news.ts';
import { addEntry, emptyBatch, type IngestBatch } from '../common/batch.ts';
import { addJsonlLine } from '../common/jsonl-items.ts';
import { readLines, type TextLine } from '../common/lines.ts';
import { type IngestProblem, lineWhere } from '../common/problems.ts';
import { SeenIds } from '../common/seen-ids.ts';
import { classifySourceFile } from '../common/source-files.ts';
import { readSourceFile } from '../replay/read-stream.ts';
import { mapColumns, rowToRawEntry } from './csv-columns.ts';
import { CsvRecordParser } from './csv-records.ts';

export interface HistoryChunk {
  items: NewsItem[];
  rejected: number;
  duplicates: number;
  problems: IngestProblem[];
}

export interface HistoryProgress {
  files: number;
  filesDone: number;
  bytesTotal: number;
  /** Bytes of files finished plus an estimate for the file being read. */
  bytesDone: number;
  items: number;
  rejected: number;
  duplicates: number;
  /** Files (and directory entries) that yielded nothing or were cut short, each reported as a problem. */
  unreadable: number;
}

export interface ReadHistoryOptions {
  /** Items per chunk; default 2,000. */
  chunkSize?: number;
  /** fetchedAt of every item (and publishedAt of undated ones); default: when reading starts. */
  fetchedAt?: string;
  /** Source of items that name none; default: the file name without its suffix. */
  source?: string;
  /** Ids remembered for dedup; default 2,000,000 (history beyond it may repeat, which the store absorbs). */
  dedupCapacity?: number;
}

type HistoryFormat = 'jsonl' | 'csv' | 'feed';

interface HistoryFile {
  path: string;
  name: string;
  format: HistoryFormat;
  source: string;
  size: number;
}

function classifyHistoryFile(path: string): Omit<HistoryFile, 'size'> | undefined {
  const name = basename(path);
  if (name.toLowerCase().endsWith('.csv') && name.length > 4) {
    return { path, name, format: 'csv', source: name.slice(0, -4) };
  }
  const known = classifySourceFile(name);
  return known ? { path, name, format: known.format, source: known.source } : undefined;
}

/** A directory entry that is not read, and why: reported, never silently passed over. */
interface SkippedEntry {
  name: string;
  reason: string;
}

const KNOWN_FORMATS = '.jsonl, .csv, .rss.xml or .atom.xml';

async function listHistoryFiles(path: string): Promise<Array<HistoryFile | SkippedEntry>> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new BellwetherError(
      'INGEST_NOT_FOUND',
      `history input ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const candidates = info.isDirectory()
    ? (await readdir(path)).sort().map((name) => join(path, name))
    : [path];
  const entries: Array<HistoryFile | SkippedEntry> = [];
  for (const candidate of candidates) {
    const kind = classifyHistoryFile(candidate);
    if (!kind) {
      if (!info.isDirectory()) {
        throw new BellwetherError(
          'INGEST_FORMAT',
          `history input ${path}: not ${KNOWN_FORMATS}, or a directory of them`,
        );
      }
      entries.push({ name: basename(candidate), reason: `skipped: not ${KNOWN_FORMATS}` });
      continue;
    }
    try {
      const entry = await stat(candidate);
      entries.push(
        entry.isFile()
          ? { ...kind, size: entry.size }
          : { name: kind.name, reason: 'skipped: not a file (subdirectories are not read)' },
      );
    } catch (error) {
      entries.push({ name: kind.name, reason: describeError(error) });
    }
  }
  if (!entries.some((entry) => 'format' in entry)) {
    const skipped = entries.map((entry) => `${entry.name} (${(entry as SkippedEntry).reason})`);
    throw new BellwetherError(
      'INGEST_EMPTY',
      `history input ${path} holds no readable ${KNOWN_FORMATS} file${skipped.length > 0 ? `: ${skipped.join('; ')}` : ''}`,
    );
  }
  return entries;
}

/** Text lines of a CSV file → batches of items, the header row naming the columns. */
async function* csvBatches(
  file: HistoryFile,
  context: { fetchedAt: string; source: string },
  lines: AsyncIterable<TextLine>,
  chunkSize: number,
): AsyncGenerator<IngestBatch> {
  const parser = new CsvRecordParser();
  let columns: ReturnType<typeof mapColumns> | undefined;
  let batch = emptyBatch();
  const handle = (fields: string[], line: number) => {
    if (fields.every((field) => field.trim() === '')) return;
    if (columns === undefined) {
      columns = mapColumns(fields);
      if ('error' in columns) throw new BellwetherError('INGEST_CSV_HEADER', columns.error);
      return;
    }
    if ('error' in columns) return;
    addEntry(batch, rowToRawEntry(fields, columns.map), {
      ...context,
      where: lineWhere(file.name, line),
    });
  };
  for await (const line of lines) {
    if (line.charsetNote) {
      batch.problems.push({
        kind: 'charset',
        where: lineWhere(file.name, line.number),
        message: line.charsetNote,
      });
    }
    const record = parser.pushLine(line.text, line.number);
    if (record) handle(record.fields, record.line);
    if (batch.items.length >= chunkSize) {
      yield batch;
      batch = emptyBatch();
    }
  }
  const open = parser.end();
  if (open) {
    batch.rejected += 1;
    batch.problems.push({
      kind: 'rejected',
      where: lineWhere(file.name, open.line),
      message: 'unterminated quoted field at the end of the file',
    });
  }
  if (columns === undefined) {
    throw new BellwetherError('INGEST_CSV_HEADER', 'empty file (no header row)');
  }
  yield batch;
}

async function* jsonlBatches(
  file: HistoryFile,
  context: { fetchedAt: string; source: string },
  lines: AsyncIterable<TextLine>,
  chunkSize: number,
): AsyncGenerator<IngestBatch> {
  let batch = emptyBatch();
  for await (const line of lines) {
    addJsonlLine(batch, line, { file: file.name, ...context });
    if (batch.items.length >= chunkSize) {
      yield batch;
      batch = emptyBatch();
    }
  }
  yield batch;
}

/** Counts bytes of lines as they are read, for progress within a file. */
async function* counted(
  lines: AsyncIterable<TextLine>,
  onBytes: (n: number) => void,
): AsyncGenerator<TextLine> {
  for await (const line of lines) {
    // Close enough for an ETA: characters plus the line break.
    onBytes(line.text.length + 1);
    yield line;
  }
}

export class HistoryReader implements AsyncIterable<HistoryChunk> {
  readonly progress: HistoryProgress = {
    files: 0,
    filesDone: 0,
    bytesTotal: 0,
    bytesDone: 0,
    items: 0,
    rejected: 0,
    duplicates: 0,
    unreadable: 0,
  };

  constructor(
    readonly path: string,
    private readonly options: ReadHistoryOptions = {},
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<HistoryChunk> {
    const entries = await listHistoryFiles(this.path);
    const files = entries.filter((entry): entry is HistoryFile => 'format' in entry);
    const chunkSize = Math.max(1, this.options.chunkSize ?? 2_000);
    const fetchedAt = this.options.fetchedAt ?? new Date().toISOString();
    const seen = new SeenIds(this.options.dedupCapacity ?? 2_000_000);
    const progress = this.progress;
    progress.files = files.length;
    progress.bytesTotal = files.reduce((sum, file) => sum + file.size, 0);
    let pending: HistoryChunk = { items: [], rejected: 0, duplicates: 0, problems: [] };

    const take = function* (batch: IngestBatch): Generator<HistoryChunk> {
      pending.rejected += batch.rejected;
      progress.rejected += batch.rejected;
      appendAll(pending.problems, batch.problems);
      for (const item of batch.items) {
        if (seen.has(item.id)) {
          pending.duplicates += 1;
          progress.duplicates += 1;
          continue;
        }
        seen.add(item.id);
        pending.items.push(item);
        progress.items += 1;
        if (pending.items.length >= chunkSize) {
          yield pending;
          pending = { items: [], rejected: 0, duplicates: 0, problems: [] };
        }
      }
    };

    const unreadable = (where: string, message: string) => {
      pending.problems.push({ kind: 'unreadable', where, message });
      progress.unreadable += 1;
    };

    let doneBefore = 0;
    for (const file of entries) {
      if (!('format' in file)) {
        unreadable(file.name, file.reason);
        continue;
      }
      const context = { fetchedAt, source: this.options.source ?? file.source };
      // One file that cannot be read (gone, a bad header, an I/O error) is reported; the others are still read.
      try {
        if (file.format === 'feed') {
          const batch = await readSourceFile(
            file.path,
            { name: file.name, format: 'feed', source: context.source },
            fetchedAt,
          );
          yield* take(batch);
        } else {
          let inFile = 0;
          const lines = counted(readLines(file.path), (n) => {
            inFile += n;
            progress.bytesDone = doneBefore + Math.min(inFile, file.size);
          });
          const batches =
            file.format === 'csv'
              ? csvBatches(file, context, lines, chunkSize)
              : jsonlBatches(file, context, lines, chunkSize);
          for await (const batch of batches) yield* take(batch);
        }
      } catch (error) {
        unreadable(file.name, describeError(error));
      }
      doneBefore += file.size;
      progress.bytesDone = doneBefore;
      progress.filesDone += 1;
    }
    if (
      pending.items.length > 0 ||
      pending.rejected > 0 ||
      pending.duplicates > 0 ||
      pending.problems.length > 0
    ) {
      yield pending;
    }
  }
}

/** History at `path` as chunks of items; read `.progress` for counts and bytes while iterating. */
export function readHistory(path: string, options: ReadHistoryOptions = {}): HistoryReader {
  return new HistoryReader(path, options);
}
