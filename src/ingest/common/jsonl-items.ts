/** JSONL text lines → normalized items; a bad line is rejected and reported, never fatal. */
import { addEntry, type IngestBatch } from './batch.ts';
import { parseJsonlLine } from './jsonl.ts';
import type { TextLine } from './lines.ts';
import { lineWhere } from './problems.ts';

export interface JsonlContext {
  file: string;
  source: string;
  fetchedAt: string;
}

/** Adds one line's item (or rejection) to `batch`; blank lines are not records and count for nothing. */
export function addJsonlLine(batch: IngestBatch, line: TextLine, context: JsonlContext): void {
  if (line.text.trim() === '') return;
  const where = lineWhere(context.file, line.number);
  if (line.charsetNote) batch.problems.push({ kind: 'charset', where, message: line.charsetNote });
  const parsed = parseJsonlLine(line.text);
  if (!parsed.ok) {
    batch.rejected += 1;
    batch.problems.push({ kind: 'rejected', where, message: parsed.reason });
    return;
  }
  addEntry(batch, parsed.raw, { source: context.source, fetchedAt: context.fetchedAt, where });
}
